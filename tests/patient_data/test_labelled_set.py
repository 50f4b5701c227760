"""The detector over a generated labelled set (a seed it was never tuned on) and over real clean text."""

import json
from pathlib import Path

from app.services.patient_data.detector import Detector, Directory
from tests.patient_data.labelled import overlaps
from tests.patient_data.synthetic import DIRECTORY_NAMES, DIRECTORY_PHONES, generate, post_sized

UNTUNED_SEED = 424242
CLEAN_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "patient_data_clean.jsonl"
DETECTOR = Detector(Directory(names=DIRECTORY_NAMES, phones=DIRECTORY_PHONES))


def test_generated_set_has_enough_texts_of_both_languages() -> None:
    samples = generate(UNTUNED_SEED, 400)
    assert len(samples) >= 300
    assert {s.lang for s in samples} == {"uk", "en"}
    assert any(s.decoys for s in samples)


def test_recall_on_an_untuned_seed_and_no_look_alike_flagged() -> None:
    samples = generate(UNTUNED_SEED, 400)
    planted = found = decoy_hits = 0
    for sample in samples:
        findings = [(f.start, f.end) for f in DETECTOR.find(sample.text)]
        planted += len(sample.planted)
        found += sum(any(overlaps(f, (a, b)) for f in findings) for _, a, b in sample.planted)
        decoy_hits += sum(any(overlaps(f, d) for f in findings) for d in sample.decoys)
    assert found / planted >= 0.95
    assert decoy_hits == 0


def test_false_positives_on_shipped_clean_text_at_most_one_percent() -> None:
    docs = [json.loads(line) for line in CLEAN_SAMPLE.read_text().splitlines()]
    texts = [piece for doc in docs for piece in post_sized(doc["body"])]
    assert len(texts) >= 300
    flagged = [t for t in texts if DETECTOR.find(t)]
    assert len(flagged) / len(texts) <= 0.01, flagged[:3]
