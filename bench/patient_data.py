"""Benchmark of the patient-data detector: recall on synthetic texts, false positives on real clean text, time.

    .venv/bin/python bench/patient_data.py [../shared/corpus]
    .venv/bin/python bench/patient_data.py --independent

The synthetic set (tests/patient_data/synthetic.py) is reported for the seed the detector was tuned on and for a
held-out seed. Clean texts are the corpus documents cut into post-sized pieces (300–600 characters); any finding in
one is a false positive. `--independent` reports instead the hand-written set (tests/patient_data/independent.jsonl),
half A and half B (both tuned on now). See docs/benchmarks.md for the figures.
"""

import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.patient_data.detector import Detector, Directory  # noqa: E402
from tests.patient_data.labelled import overlaps, score  # noqa: E402
from tests.patient_data.synthetic import DIRECTORY_NAMES, DIRECTORY_PHONES, generate, post_sized  # noqa: E402
from tests.patient_data.test_independent_set import half  # noqa: E402

TUNING_SEED, HELD_OUT_SEED = 1, 20251202
SYNTHETIC_COUNT = 1000
MEDQUAD_TEXTS = 4000  # sampled (seed 7) from about 30,000 pieces


def synthetic(detector: Detector, seed: int) -> None:
    """Print recall per kind (any finding overlapping the planted span; and of the right kind) and decoy hits."""
    found, right, total = Counter[str](), Counter[str](), Counter[str]()
    decoys = decoy_hits = 0
    for sample in generate(seed, SYNTHETIC_COUNT):
        findings = detector.find(sample.text)
        for kind, start, end in sample.planted:
            total[kind] += 1
            hits = [f for f in findings if overlaps((f.start, f.end), (start, end))]
            found[kind] += bool(hits)
            right[kind] += any(f.kind == kind for f in hits)
        decoys += len(sample.decoys)
        decoy_hits += sum(any(overlaps((f.start, f.end), d) for f in findings) for d in sample.decoys)
    print(f"\nsynthetic seed {seed}: {SYNTHETIC_COUNT} texts, {sum(total.values())} identifiers")
    print("| kind | n | recall | recall, right kind |\n|---|---|---|---|")
    for kind in sorted(total):
        print(f"| {kind} | {total[kind]} | {found[kind] / total[kind]:.3f} | {right[kind] / total[kind]:.3f} |")
    n = sum(total.values())
    print(f"| all | {n} | {sum(found.values()) / n:.3f} | {sum(right.values()) / n:.3f} |")
    print(f"look-alikes flagged: {decoy_hits}/{decoys}")


def clean(detector: Detector, corpus: Path) -> None:
    """Print the false-positive rate per source and the time per text, and the first false positives."""
    sources = {
        "uk_laws_health": _pieces(corpus / "uk_laws_health.jsonl"),
        "en_medquad": random.Random(7).sample(_pieces(corpus / "en_medquad.jsonl"), MEDQUAD_TEXTS),
    }
    if (corpus / "uk_prose_bruk.jsonl").exists():
        sources["uk_prose_bruk (reported apart)"] = _pieces(corpus / "uk_prose_bruk.jsonl")
    print("\n| clean texts | n | with a finding | FP rate | median ms | p95 ms |\n|---|---|---|---|---|---|")
    examples = []
    for name, texts in sources.items():
        times, flagged = [], 0
        for text in texts:
            t0 = time.perf_counter()
            findings = detector.find(text)
            times.append((time.perf_counter() - t0) * 1000)
            if findings:
                flagged += 1
                examples += [(name, f.kind, text[f.start : f.end]) for f in findings[:1]]
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {name} | {len(texts)} | {flagged} | {flagged / len(texts):.2%} | {statistics.median(times):.2f} "
            f"| {p95:.2f} |"
        )
    for example in examples[:40]:
        print("  FP", example)


def independent() -> None:
    """Print recall per kind, the false-positive rate on the clean texts and the time per text, for each half."""
    for name in ("A", "B"):
        samples = half(name)
        t0 = time.perf_counter()
        result = score(samples)
        ms = (time.perf_counter() - t0) * 1000 / len(samples)
        n = sum(result.total.values())
        print(
            f"\nindependent half {name}: {len(samples)} texts, {n} identifiers, {result.clean} clean, {ms:.2f} ms/text"
        )
        print("| kind | n | recall | recall, right kind |\n|---|---|---|---|")
        for kind in sorted(result.total):
            n_kind = result.total[kind]
            print(f"| {kind} | {n_kind} | {result.found[kind] / n_kind:.3f} | {result.right[kind] / n_kind:.3f} |")
        right = sum(result.right.values())
        print(f"| all | {n} | {result.recall:.3f} | {right / n:.3f} |")
        flagged = len({text for _, _, text in result.flagged})
        print(f"clean texts flagged: {flagged}/{result.clean} ({result.fp_rate:.2%})")
        print(f"findings outside any labelled span in texts with identifiers: {len(result.stray)}")
        for example in result.missed + result.flagged + result.stray:
            print("  ", example[:2], "|", example[2].replace("\n", " ")[:100])


def _pieces(path: Path) -> list[str]:
    return [p for line in path.open() for p in post_sized(json.loads(line)["body"])]


def main() -> None:
    """Run both halves of the benchmark, or with --independent the hand-written set."""
    if sys.argv[1:] == ["--independent"]:
        independent()
        return
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    detector = Detector(Directory(names=DIRECTORY_NAMES, phones=DIRECTORY_PHONES))
    t0 = time.perf_counter()
    detector.find("Іван Петренко, 45 років, +380501234567")
    print(f"first call (loads the name lists): {(time.perf_counter() - t0) * 1000:.0f} ms")
    for seed in (TUNING_SEED, HELD_OUT_SEED):
        synthetic(detector, seed)
    clean(detector, corpus)


if __name__ == "__main__":
    main()
