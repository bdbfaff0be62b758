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


def test_english_data_gets_an_english_page_and_danish_stays_danish(tmp_path):
    """The topics page followed no language: an English corpus's discovery read "Emner fundet i
    notaterne …", "Nyt tema", "ustabil" around English labels (the main report had English)."""
    topic_map = pd.DataFrame({"theme_id": ["topic_0", "topic_1"], "label": ["attendance", "family"],
                              "n_notes": [400, 30], "n_persons": [200, 3], "codebook_label": ["Attendance", None],
                              "similarity": [0.5912, 0.2], "stability": [0.4321, 0.9],
                              "is_emergent": [False, True]})
    reps = pd.DataFrame({"theme_id": ["topic_0"], "rank": [1], "sentence": ["Missed school twice."]})
    tables = {"topic_map": topic_map, "topic_representatives": reps}
    page = render_topics_report(tables, tmp_path / "en.html", meta={"language": "en", "title": "Kvalitativ evidens"}
                                ).read_text(encoding="utf-8")
    assert "<html lang='en'>" in page and "<title>Qualitative evidence</title>" in page
    for english in ("Topics found in the notes (BERTopic), 2 in all.", "<th>New theme</th>", "Attendance (0.59)",
                    "0.43 <b>unstable</b>", "Unstable topics:</b> 1 topic(s)", "stability below 0.5",
                    "one topic holds 93% of the notes", "<td>yes</td>", "&lt;5", "Missed school twice."):
        assert english in page, english
    for danish in ("Emner fundet", "Nyt tema", "ustabil", "Bemærk", "<td>ja</td>", "<td>nej</td>", "0,59"):
        assert danish not in page, danish
    notes = pd.DataFrame({"note_id": ["n1", "n2"], "text": ["Missed school twice.", "Mum called the school."],
                          "language": ["en", "en"]})
    auto = render_topics_report({**tables, "notes": notes}, tmp_path / "auto.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in auto  # no language given: the notes decide, as in the main report
    da = render_topics_report(tables, tmp_path / "da.html", meta={"language": "da"}).read_text(encoding="utf-8")
    assert "<html lang='da'>" in da and "Emner fundet i notaterne (BERTopic), 2 i alt." in da
    assert "Attendance (0,59)" in da and "0,43 <b>ustabil</b>" in da and "<td>ja</td>" in da


def test_report_of_a_discover_folder_without_a_codebook_lists_the_topics(tmp_path):
    """`kvalitativ discover` without --codebook writes no topic_map; `kvalitativ report` then said
    "run `kvalitativ summarize` first" — advice that needs codes and a link the researcher exploring
    topics does not have. The page lists the discovered themes, counted from the topic codings."""
    from kvalitativ.io.store import write_tables
    from kvalitativ.report.stage import report_from_dir

    themes = pd.DataFrame({"theme_id": ["topic_0", "topic_1", "motivation"], "label": ["fravær", "mentor", "Motivation"],
                           "origin": ["discovered", "discovered", "codebook"], "stability": [0.9, 0.3, None]})
    codings = pd.DataFrame({"note_id": [f"n{i}" for i in range(9)], "person_id": [f"p{i}" for i in range(6)] + ["p0"] * 3,
                            "theme_id": ["topic_0"] * 6 + ["topic_1"] * 3, "method": "topic"})
    out = tmp_path / "out"
    write_tables(out, {"themes": themes, "codings": codings}, "r1")
    page = report_from_dir(out, tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<td>fravær</td><td class='num'>6</td><td class='num'>6</td>" in page
    assert "<td>mentor</td><td class='num'>&lt;5</td><td class='num'>&lt;5</td>" in page  # 3 notes, 1 person: hidden
    assert "Motivation" not in page  # a codebook theme is no discovered topic
    assert "kør den igen med <code>--codebook</code>" in page and "0,3 <b>ustabil</b>" in page.replace("0,30", "0,3")
    assert page.index("fravær") < page.index("mentor")  # the largest first
