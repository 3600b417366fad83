"""The localizer's presence and soft-argmax centre per slice of its grid on a real CT, for one or
more localizer files side by side: where it sees spine, and where that "spine" is. It showed the
real abdomen's hip metal read as spine (training/README.md, session 8).

    cd training && /usr/bin/python3 -m models.presence_profile [--study abdomen|lidc-chest|abdomen-dicom] [--models A.onnx B.onnx]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from . import real_ct
from .eval_models import DEFAULT_MODELS, DEFAULT_SHARED, running_engine
from .onnx_engine import graph_runner, localizer_fn
from .preprocess import preprocess_localizer

LOADERS = {"abdomen": real_ct.load_abdomen, "lidc-chest": real_ct.load_lidc, "abdomen-dicom": real_ct.load_abdomen_dicom}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--study", choices=sorted(LOADERS), default="abdomen")
    p.add_argument("--models", type=Path, nargs="+", default=[DEFAULT_MODELS / "spine-localizer.onnx"], help="localizer ONNX files")
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = p.parse_args()
    study = LOADERS[args.study](args.shared / "data" / "real")
    x, grid = preprocess_localizer(study.values, study.geometry)
    slices = grid.shape_zyx[0]
    z_mm = grid.origin_mm[2] + np.arange(slices) * grid.steps_mm[2][2]
    with running_engine("auto", 2) as (engine, bridge, note):
        columns = []
        for model in args.models:
            centre, presence = localizer_fn(graph_runner(engine, model, bridge))(x)
            xy_mm = grid.origin_mm[:2] + np.asarray(centre).reshape(-1, 2)[:slices] * np.diag(grid.steps_mm)[:2]
            columns.append((np.asarray(presence).reshape(-1)[:slices], xy_mm))
    print(f"{args.study} ({note}); per grid slice: z mm, then per model presence and centre x, y mm (LPS)")
    print("slice   z mm  " + "  ".join(f"{m.parent.name + '/' + m.name:>32}" for m in args.models))
    for k in range(slices):
        cells = "  ".join(f"{pres[k]:6.3f} ({xy[k, 0]:7.1f}, {xy[k, 1]:7.1f})".rjust(32) for pres, xy in columns)
        print(f"{k:5d} {z_mm[k]:6.1f}  {cells}")


if __name__ == "__main__":
    main()
