"""The detector over a second held-out labelled set (tests/patient_data/heldout.jsonl), never tuned on.

The set was written by hand without looking at the detector, its generator or the other labelled sets: staff-chat
questions, handover notes, wiki snippets and announcements in Ukrainian, English and both, with identifiers in many
forms, and hard clean texts (doses, lab values, orders, ДСТУ, IBAN, toll-free lines, eponyms, staff with their roles,
the reception's own phone and e-mail from the staff directory). Offsets were computed by a script, not by hand.
"""

from collections import Counter

from tests.patient_data.labelled import KINDS, load, score


def test_heldout_set_is_large_varied_and_half_clean() -> None:
    samples = load("heldout")
    assert len(samples) >= 160
    clean = [s for s in samples if not s.spans]
    assert 0.4 <= len(clean) / len(samples) <= 0.6
    kinds = Counter(kind for s in samples for kind, _, _ in s.spans)
    assert set(kinds) == KINDS
    assert min(kinds.values()) >= 10
    assert any(s.directory.phones and s.directory.emails for s in clean)
    for sample in samples:
        for _, start, end in sample.spans:
            assert 0 <= start < end <= len(sample.text)
            assert sample.text[start:end].strip() == sample.text[start:end]


def test_heldout_recall_and_false_positives() -> None:
    result = score(load("heldout"))
    assert result.recall >= 0.95, result.missed
    assert result.fp_rate <= 0.01, result.flagged
