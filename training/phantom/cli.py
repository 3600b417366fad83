"""Write one phantom to disk: the volume (DICOM series or NIfTI) and its ground_truth.json.

    npm run phantom -- --seed 7 --out /tmp/ph7                        # DICOM series, random anatomy
    npm run phantom -- --seed 7 --out ph7 --format nifti --preset abdomen
    npm run phantom -- --seed 3 --out ph3 --fracture T8:2:wedge --fracture L1:3:crush

(`npm run phantom` is `cd training && /usr/bin/python3 -m phantom.cli`.) A relative --out is
taken from the folder npm was started in (npm's INIT_CWD), not from training/.

DICOM: one file per slice, IM00001.dcm ... in --out, with reproducible UIDs; the study and series
UIDs are copied into ground_truth.json. NIfTI: --out/ct.nii.gz. ground_truth.json has the shape
of ../shared/DESIGN.md's result document (see README.md in this folder).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from .generator import GENERATOR_VERSION, generate
from .grading import TYPES
from .levels import ALL_LEVEL_NAMES
from .presets import PRESETS
from .writers import write_dicom_series, write_nifti

# npm scripts that run this module: for them a relative --out means "relative to where npm ran"
NPM_SCRIPTS = {"phantom"}


class CliError(Exception):
    """A mistake in the command line or the output folder, worded for the user."""


def parse_fracture(text: str) -> tuple:
    """"T8:2:wedge" or "T12:3:crush:plana" -> ("T8", 2, "wedge") / ("T12", 3, "crush", True)."""
    parts = text.split(":")
    if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "plana"):
        raise argparse.ArgumentTypeError(f"{text!r}: write a fracture as LEVEL:GRADE:TYPE, e.g. T8:2:wedge "
                                         f"(or T12:3:crush:plana for vertebra plana)")
    level, grade, typ = parts[0].upper(), parts[1], parts[2].lower()
    if level not in ALL_LEVEL_NAMES:
        raise argparse.ArgumentTypeError(f"{text!r}: unknown level {parts[0]!r} (C2..C7, T1..T13, L1..L6, S1)")
    if grade not in ("1", "2", "3"):
        raise argparse.ArgumentTypeError(f"{text!r}: the grade must be 1 (mild), 2 (moderate) or 3 (severe)")
    if typ not in TYPES:
        raise argparse.ArgumentTypeError(f"{text!r}: the type must be one of {', '.join(TYPES)}")
    if len(parts) == 4 and grade != "3":
        raise argparse.ArgumentTypeError(f"{text!r}: vertebra plana is a grade 3 fracture")
    return (level, int(grade), typ, True) if len(parts) == 4 else (level, int(grade), typ)


def parse_levels(text: str) -> tuple[str, str]:
    parts = [p.upper() for p in text.split(":")]
    if len(parts) != 2 or any(p not in ALL_LEVEL_NAMES for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: write the scan range as TOP:BOTTOM levels, e.g. T9:L1")
    if ALL_LEVEL_NAMES.index(parts[0]) > ALL_LEVEL_NAMES.index(parts[1]):
        raise argparse.ArgumentTypeError(f"{text!r}: the top level comes first (e.g. T9:L1)")
    return parts[0], parts[1]


def parse_set(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write an override as KEY=JSON_VALUE, e.g. cobb_deg=35")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value  # a bare word: a string ("kernel=sharp")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="npm run phantom --",
        description="Generate a synthetic spine CT with exact ground truth and write it as a DICOM series or NIfTI "
                    "plus ground_truth.json.")
    ap.add_argument("--seed", type=int, required=True, help="the phantom's seed (same seed and options: same files)")
    ap.add_argument("--out", required=True, help="output folder (relative paths: from where npm was run)")
    ap.add_argument("--format", choices=("dicom", "nifti"), default="dicom", help="dicom (default): IM00001.dcm ... ; "
                    "nifti: ct.nii.gz")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="chest", help="which part of the spine (default chest)")
    ap.add_argument("--fracture", type=parse_fracture, action="append", metavar="LEVEL:GRADE:TYPE",
                    help="a fracture, e.g. T8:2:wedge (grade 1-3; wedge, biconcave, crush; add :plana for vertebra "
                         "plana); repeatable. With any --fracture there are no random ones.")
    ap.add_argument("--no-random-fractures", action="store_true", help="no fractures unless --fracture asks")
    ap.add_argument("--scan-levels", type=parse_levels, metavar="TOP:BOTTOM", help="scan range by level, e.g. T9:L1")
    ap.add_argument("--no-jitter", action="store_true", help="scan exactly the preset's or --scan-levels' range")
    ap.add_argument("--spacing", type=float, metavar="MM", help="in-plane spacing (default: FOV/512 within 0.5-1 mm)")
    ap.add_argument("--matrix", type=int, metavar="N", help="in-plane matrix N x N")
    ap.add_argument("--slice-mm", type=float, metavar="MM", help="slice spacing = thickness (default drawn per preset)")
    ap.add_argument("--slice-order", choices=("inferior_first", "superior_first"),
                    help="storage order of slices (default drawn)")
    ap.add_argument("--no-surroundings", action="store_true", help="the spine alone in water (fast; for tests)")
    ap.add_argument("--set", type=parse_set, action="append", metavar="KEY=VALUE", default=[],
                    help="any other generate() override, value as JSON (e.g. cobb_deg=35, kernel=sharp, "
                         "screw_levels='[\"L2\",\"L3\"]'); see training/phantom/README.md")
    ap.add_argument("--manifest", action="store_true",
                    help="also write manifest.json listing the volume's files (for a web server that cannot list folders)")
    ap.add_argument("--force", action="store_true",
                    help="replace the volume files a previous run left in --out (IM*.dcm, ct.nii.gz)")
    return ap


def output_dir(out: str, environ=os.environ) -> Path:
    """--out as an absolute path; relative to npm's INIT_CWD when one of our npm scripts runs us."""
    path = Path(out).expanduser()
    if not path.is_absolute() and environ.get("npm_lifecycle_event") in NPM_SCRIPTS and environ.get("INIT_CWD"):
        path = Path(environ["INIT_CWD"]) / path
    return path.resolve()


def overrides_from(args: argparse.Namespace) -> dict:
    ov: dict = {}
    if args.fracture:
        ov["fractures"] = [tuple(f) for f in args.fracture]
    if args.no_random_fractures:
        ov["random_fractures"] = False
    if args.scan_levels:
        ov["scan_levels"] = tuple(args.scan_levels)
    if args.no_jitter:
        ov["jitter"] = False
    for key, attr in (("spacing_mm", "spacing"), ("matrix", "matrix"), ("slice_mm", "slice_mm"),
                      ("slice_order", "slice_order")):
        if getattr(args, attr) is not None:
            ov[key] = getattr(args, attr)
    if args.no_surroundings:
        ov["surroundings"] = False
    for key, value in args.set:
        if key in ov:
            raise CliError(f"--set {key}=... repeats an option given already")
        ov[key] = tuple(value) if isinstance(value, list) and key in ("scan_levels", "fov_centre_xy_mm") else value
    return ov


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    old = sorted(out.glob("IM*.dcm")) + ([out / "ct.nii.gz"] if (out / "ct.nii.gz").exists() else [])
    if old and not force:
        raise CliError(f"{out} already holds a phantom ({len(old)} volume file(s), e.g. {old[0].name}); "
                       f"choose an empty folder or add --force to replace them")
    for p in old:
        p.unlink()


def pretty_json(value, indent: int = 0) -> str:
    """Indented JSON whose innermost lists (points, vectors) stay on one line."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(str(k))}: {pretty_json(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)) and value:
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return json.dumps(list(value))
        return "[\n" + ",\n".join(inner + pretty_json(v, indent + 2) for v in value) + f"\n{pad}]"
    return json.dumps(value)


def _size(paths: list[Path]) -> str:
    return f"{sum(p.stat().st_size for p in paths) / 1e6:.1f} MB"


def run(args: argparse.Namespace) -> dict:
    out = output_dir(args.out)
    ov = overrides_from(args)
    _prepare(out, args.force)

    t0 = time.perf_counter()
    try:
        ph = generate(args.seed, args.preset, **ov)
    except (TypeError, ValueError) as err:  # unknown override, level outside the spine, bad value
        raise CliError(str(err)) from None
    t_gen = time.perf_counter() - t0

    t1 = time.perf_counter()
    geometry = ph.ground_truth["geometry"]
    key = hashlib.sha256(json.dumps(ov, sort_keys=True, default=str).encode()).hexdigest()[:12]
    identity = f"{GENERATOR_VERSION}/seed-{args.seed}/{args.preset}/{key}"
    uids = {"studyInstanceUID": "", "seriesInstanceUID": ""}
    if args.format == "dicom":
        files = write_dicom_series(
            out, ph.hu, geometry, identity=identity, patient_id=f"SL-PHANTOM-{args.seed}",
            study_description="SpineLens synthetic spine CT (no patient data)",
            series_description=f"Phantom {args.preset} seed {args.seed} ({GENERATOR_VERSION})")
        import pydicom  # the UIDs as written, whatever scheme the writer uses

        first = pydicom.dcmread(str(files[0]), stop_before_pixels=True)
        uids = {"studyInstanceUID": str(first.StudyInstanceUID), "seriesInstanceUID": str(first.SeriesInstanceUID)}
        volume_text = f"{len(files)} DICOM slices {files[0].name}..{files[-1].name} ({_size(files)})"
    else:
        files = [write_nifti(out / "ct.nii.gz", ph.hu, geometry)]
        volume_text = f"{files[0].name} ({_size(files)})"
    truth = {**uids, "generatorVersion": GENERATOR_VERSION, "format": args.format,
             "overrides": json.loads(json.dumps(ov, default=str)), **ph.ground_truth}
    (out / "ground_truth.json").write_text(pretty_json(truth) + "\n")
    if args.manifest:
        manifest = {"description": f"SpineLens phantom, seed {args.seed}, preset {args.preset}", "format": args.format,
                    "files": [p.name for p in files], "groundTruth": "ground_truth.json"}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    t_write = time.perf_counter() - t1

    g = geometry
    fx = ", ".join(f"{f['level']} grade {f['grade']} {f['type']}" for f in truth["patient"]["fractures"]) or "none"
    levels = [v["level"] for v in truth["vertebrae"]]
    print(f"phantom {GENERATOR_VERSION}: seed {args.seed}, preset {args.preset}, "
          f"{g['dimensions'][0]} x {g['dimensions'][1]} x {g['dimensions'][2]} voxels, "
          f"{g['spacingMm'][0]:g} x {g['spacingMm'][1]:g} x {g['spacingMm'][2]:g} mm")
    print(f"wrote {out}/: {volume_text}")
    print(f"wrote {out / 'ground_truth.json'}: {len(levels)} whole vertebrae "
          f"({levels[0] + '-' + levels[-1] if levels else 'none'}), fractures: {fx}")
    if args.manifest:
        print(f"wrote {out / 'manifest.json'}")
    print(f"time: generate {t_gen:.1f} s, write {t_write:.1f} s")
    return truth


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except CliError as err:
        print(f"phantom: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
