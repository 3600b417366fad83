"""The two networks of the method (../shared/DESIGN.md, the paper in ../shared/reference/):
the 3D spine localizer and the 2D anchor-free vertebra detector, with their preprocessing,
targets, decoding, evaluation, training entry points and ONNX export with model cards.

Run everything from `training/` with Debian's `/usr/bin/python3` (torch 1.13, onnx 1.12), e.g.
`/usr/bin/python3 -m models.train_localizer --iterations 5`. Modules that only need numpy
(preprocess, targets, decode, postprocess, metrics) import no torch, so the runtime twins and
the evaluation can use them without it.
"""

import os

# Set here, before any module of this package loads torch (and so libgomp): waiting threads
# sleep instead of spinning. On a dedicated machine it costs nothing measurable; on a shared
# one, where another job holds one of the two cores, spinning made a step 3-10× slower
# (training/README.md, "Time budget").
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
