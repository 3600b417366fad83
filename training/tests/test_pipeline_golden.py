"""The pipeline's golden vectors (training/golden/pipeline.json, matched by the TypeScript in
src/core/pipeline/pipeline.golden.test.ts) still match the training code, and the tiny test
models in src/core/pipeline/testdata still match their cards."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from contract.golden_pipeline import GOLDEN_PATH, build
from test_contract import _close

TESTDATA = Path(__file__).resolve().parents[2] / "src" / "core" / "pipeline" / "testdata"


def test_committed_pipeline_golden_vectors_match_this_code() -> None:
    committed = json.loads(GOLDEN_PATH.read_text())
    fresh = json.loads(json.dumps(build()))
    assert _close(fresh, committed)


def test_pipeline_golden_vectors_cover_the_interesting_cases() -> None:
    g = json.loads(GOLDEN_PATH.read_text())
    assert {c["kind"] for c in g["spineCurves"]} == {"gap", "paddedPositive", "none", "single", "detour"}
    assert any(-1 in c["signs"] for c in g["localizerInputs"])  # a flipped axis
    assert any(c["voxelFor"] != [0, 1, 2] for c in g["localizerInputs"])  # a permuted one
    assert all(0 < len(d["kept"]) < d["candidateCount"] for d in g["decode"])  # NMS dropped some
    assert all(d["candidateCount"] < d["candidateCountWithPadding"] for d in g["decode"])  # and the padding some
    assert len(g["chain"]["vertebrae"]) > 3
    chain_levels = [v["level"] for v in g["chain"]["vertebrae"]]
    assert sum(l is not None for l in chain_levels) > 3  # the chain names levels along the spine
    cases = {c["name"]: c["levels"] for c in g["levels"]}
    assert None in cases["tooMany"] and all(l is None for l in cases["noHead"])
    for levels in cases.values():  # labelled ones strictly increase
        labelled = [l for l in levels if l is not None]
        assert labelled == sorted(set(labelled))


def test_tiny_test_models_match_their_cards() -> None:
    for name in ("spine-localizer", "vertebra-detector", "no-spine/spine-localizer"):
        card = json.loads((TESTDATA / f"{name}.json").read_text())
        data = (TESTDATA / f"{name}.onnx").read_bytes()
        assert card["sha256"] == hashlib.sha256(data).hexdigest() and card["bytes"] == len(data) < 1_000_000
        assert card["training"]["iterations"] == 0  # untrained: never to be shipped
