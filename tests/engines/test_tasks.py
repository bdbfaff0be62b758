"""The workers' redaction task follows ``privacy.strictness`` exactly as ingest's redactor does."""

from __future__ import annotations

import pytest

from kvalitativ.engines.tasks import redact_task
from kvalitativ.privacy.redact import Redactor

TEXTS = ["Ring til mor på 20 30 40 50 i morgen.", "cpr 150387 - 1235 står i journalen.",
         "MIKKEL JENSEN HAR HAFT MEGET FRAVÆR", "Eleven var glad i dag."]


@pytest.mark.parametrize("strictness", ["strict", "standard"])
def test_redact_task_uses_the_configured_strictness(strictness):
    texts, languages, counts = redact_task(TEXTS, None, strictness)
    expected, expected_counts = Redactor(strictness=strictness).redact_texts(TEXTS, None)
    assert texts == expected and dict(counts) == dict(expected_counts) and len(languages) == len(TEXTS)


def test_strict_and_standard_differ_on_an_adversarial_spelling():
    assert redact_task(TEXTS[1:2], None, "strict")[0] != redact_task(TEXTS[1:2], None, "standard")[0]
