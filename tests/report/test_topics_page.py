"""The topics page (discovery without link) shows each representative sentence once per topic."""

from __future__ import annotations

import pandas as pd

from kvalitativ.report.topics import render_topics_report


def test_each_distinct_sentence_once_per_topic(tmp_path):
    topic_map = pd.DataFrame({"theme_id": ["topic_0", "topic_1"], "label": ["teammøde", "mentor"],
                              "n_notes": [40, 30], "n_persons": [20, 15]})
    reps = pd.DataFrame({
        "theme_id": ["topic_0"] * 5 + ["topic_1"] * 2,
        "rank": [1, 2, 3, 4, 5, 1, 2],
        "sentence": ["Drøftes på næste teammøde.", "Drøftes på næste teammøde.", "drøftes  på næste TEAMMØDE.",
                     None, "Aftalt nyt møde efter jul.", "Drøftes på næste teammøde.", "Mentor følger op."],
    })
    html = render_topics_report({"topic_map": topic_map, "topic_representatives": reps},
                                tmp_path / "t.html").read_text(encoding="utf-8")
    row0 = next(line for line in html.split("<tr>") if line.startswith("<td>teammøde"))
    assert row0.casefold().count("drøftes på næste teammøde.") == 1
    assert "Aftalt nyt møde efter jul." in row0  # the next distinct sentence takes the freed place
    row1 = next(line for line in html.split("<tr>") if line.startswith("<td>mentor"))
    assert "Drøftes på næste teammøde." in row1  # once per topic, not once per page


def test_numbers_are_written_the_danish_way_like_the_main_report(tmp_path):
    """Similarity, stability and the instability bound with a decimal comma ("0,59"); the page
    wrote "0.59" beside the main report's "9,6 %" (a new user's trial)."""
    topic_map = pd.DataFrame({"theme_id": ["topic_0"], "label": ["trivsel"], "n_notes": [40], "n_persons": [20],
                              "codebook_label": ["Trivsel"], "similarity": [0.5912], "stability": [0.4321],
                              "is_emergent": [False]})
    html = render_topics_report({"topic_map": topic_map}, tmp_path / "t.html").read_text(encoding="utf-8")
    assert "Trivsel (0,59)" in html and "0,43 <b>ustabil</b>" in html and "stabilitet under 0,5" in html
    assert "0.59" not in html and "0.43" not in html
