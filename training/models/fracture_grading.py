"""How the app grades known fractures: phantoms with moderate and severe fractures of every type,
never trained on nor held out, written as DICOM and analysed by the app's own command line
(`npx spinelens analyze`: the TypeScript pipeline on onnxruntime-node, the localizer's centreline,
as a user gets it), then each true fracture of grade ≥ 2 set beside what the app read.

The held-out figures of `eval:models` read the detector on images straightened along the TRUE
centreline (smoothed as the training views are); this check goes through the whole runtime instead, so it also catches what the
localizer's line does to a fractured body. The demo (public/demo/phantom-chest) is one of the
cases; the others are made here on first use (~15 s each) and kept under
.cache/fracture-grading/<generator>/.

    cd training && /usr/bin/python3 -m models.fracture_grading [--models DIR ...]

Several --models folders print side by side (each a full set of four files, as public/models).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from phantom.generator import GENERATOR_VERSION

from .real_ct import PredictedVertebra, match_to_reference

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "public" / "demo" / "phantom-chest"
CACHE = ROOT / ".cache" / "fracture-grading"


@dataclass(frozen=True)
class Case:
    seed: int
    preset: str
    fractures: tuple[str, ...]  # phantom.cli's --fracture values, LEVEL:GRADE:TYPE


# Seeds 3 000 000 +: neither training (0 …) nor held-out (1 000 000 …) phantoms. The first two
# are src/node/phantomAccuracy.test.ts's; the rest give every type at grades 2 and 3.
CASES = (
    Case(3000001, "thoracolumbar", ("T12:2:wedge", "L2:3:crush")),
    Case(3000002, "abdomen", ("L1:2:biconcave",)),
    Case(3000101, "chest", ("T7:3:wedge", "T10:2:biconcave")),
    Case(3000102, "thoracolumbar", ("T12:3:crush", "L2:2:wedge")),
    Case(3000103, "abdomen", ("L1:3:biconcave", "L3:2:crush")),
    Case(3000104, "chest", ("T5:2:crush", "T9:3:wedge")),
    Case(3000105, "thoracolumbar", ("T11:2:wedge", "L1:3:wedge")),
    Case(3000106, "abdomen", ("L2:3:crush", "L4:2:biconcave")),
    Case(3000107, "chest", ("T8:3:biconcave", "T11:2:crush")),
    Case(3000108, "thoracolumbar", ("T10:3:crush", "L3:3:biconcave")),
)

MATCH_MM = 10.0  # a result vertebra stands for a true one when their six-point centres are this close


def compare(truth: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Each true vertebra's result vertebra (real_ct.match_to_reference: nearest six-point centre
    within MATCH_MM, one to one): the fractures of grade ≥ 2 with what was read, and the normal
    vertebrae read as grade ≥ 2."""
    read = result.get("vertebrae", [])
    predicted = [PredictedVertebra(v.get("level"), np.asarray(v["pointsMm"], dtype=float), np.asarray(v["pointsPx"], dtype=float), v["objectness"]) for v in read]
    match = match_to_reference(predicted, {v["level"]: np.mean(v["pointsMm"], axis=0) for v in truth["vertebrae"]}, MATCH_MM)
    fractures, normals, false_fractures = [], 0, []
    for v in truth["vertebrae"]:
        got = read[match[v["level"]]] if match[v["level"]] is not None else None
        if v["grade"] >= 2:
            fractures.append({"level": v["level"], "type": v["type"], "trueRatio": v["genantRatio"], "trueGrade": v["grade"],
                              "ratio": got["genantRatio"] if got else None, "grade": got["grade"] if got else None})
        elif v["grade"] == 0 and got is not None:
            normals += 1
            if got["grade"] >= 2:
                false_fractures.append(v["level"])
    return {"fractures": fractures, "normalsFound": normals, "normalsReadModerateOrWorse": false_fractures}


def case_folder(case: Case, cache: Path) -> Path:
    """The case's DICOM series, generated on first use."""
    out = cache / GENERATOR_VERSION / str(case.seed)
    if not (out / "ground_truth.json").exists():
        args = [sys.executable, "-m", "phantom.cli", "--seed", str(case.seed), "--preset", case.preset, "--out", str(out), "--format", "dicom", "--force"]
        for f in case.fractures:
            args += ["--fracture", f]
        subprocess.run(args, cwd=ROOT / "training", check=True, capture_output=True)
    return out


def case_folders(cache: Path) -> list[tuple[str, Path]]:
    """(name, folder) of every case, the demo first; generated ones made on first use."""
    return [("demo", DEMO)] + [(f"{c.preset}-{c.seed}", case_folder(c, cache)) for c in CASES]


def analyse(folder: Path, models: Path, out: Path) -> dict[str, Any]:
    """`npx spinelens analyze` on one folder with one set of models."""
    run = subprocess.run(["node", str(ROOT / "bin" / "spinelens.mjs"), "analyze", str(folder), "--models", str(models.resolve()), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"spinelens analyze {folder} --models {models} failed: {run.stderr.strip()}")
    return json.loads(out.read_text())


def summary(rows: Sequence[dict[str, Any]]) -> str:
    fractures = [f for r in rows for f in r["fractures"]]
    right = sum(1 for f in fractures if f["grade"] is not None and f["grade"] >= 2)
    missed = sum(1 for f in fractures if f["grade"] is None)
    normals = sum(r["normalsFound"] for r in rows)
    false = sum(len(r["normalsReadModerateOrWorse"]) for r in rows)
    bias = np.mean([f["ratio"] - f["trueRatio"] for f in fractures if f["ratio"] is not None])
    return (f"grade ≥ 2 read ≥ 2: {right} of {len(fractures)} (missed {missed}); normal read ≥ 2: {false} of {normals}; "
            f"mean G read − true over the fractures {bias:+.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, nargs="+", default=[ROOT / "public" / "models"])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--work", type=Path, default=CACHE / "results", help="result documents go to WORK/<models folder name>/<case>.json")
    args = parser.parse_args()
    folders = case_folders(args.cache)
    truths = {name: json.loads((folder / "ground_truth.json").read_text()) for name, folder in folders}
    table: dict[str, list[dict[str, Any]]] = {}
    for models in args.models:
        rows = []
        for name, folder in folders:
            out = args.work / models.resolve().name / f"{name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            rows.append({"case": name, **compare(truths[name], analyse(folder, models, out))})
        table[str(models)] = rows
    names = list(table)
    print(f"{'case':22s} {'fracture':18s} {'true G':>7s} " + " ".join(f"{Path(n).name[:14]:>14s}" for n in names))
    for i, (case, _) in enumerate(folders):
        for k, f in enumerate(table[names[0]][i]["fractures"]):
            reads = []
            for n in names:
                g = table[n][i]["fractures"][k]
                reads.append("missed" if g["ratio"] is None else f"{g['ratio']:.2f} ({g['grade']})")
            print(f"{case:22s} {f['level'] + ' ' + f['type'] + ' ' + str(f['trueGrade']):18s} {f['trueRatio']:7.2f} " + " ".join(f"{r:>14s}" for r in reads))
        for n in names:
            if table[n][i]["normalsReadModerateOrWorse"]:
                print(f"{case:22s} normal read ≥ 2 by {Path(n).name}: {', '.join(table[n][i]['normalsReadModerateOrWorse'])}")
    for n in names:
        print(f"{n}: {summary(table[n])}")


if __name__ == "__main__":
    main()
