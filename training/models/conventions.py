"""Every number the runtime must agree on, in one place: the model cards are written from
these, so the TypeScript side reads them from the card and never from a copy of this file."""
from __future__ import annotations

# --- Localizer (step 1) -------------------------------------------------------------------
# Grid spacing in mm along x (patient Left), y (Posterior), z (Superior): the paper's 2 × 2 × 4.
LOCALIZER_SPACING_MM = (2.0, 2.0, 4.0)
# HU window: clipped, then scaled linearly so LOW → 0 and HIGH → 1 (paper: intensities in [0, 1]).
LOCALIZER_WINDOW_HU = (-1000.0, 2000.0)
# Every spatial axis (Z, Y, X) is padded at its end to a multiple of this (the net halves
# Y and X four times and Z three times, so 16 covers both).
LOCALIZER_PAD_MULTIPLE = 16
# The stem has stride (1, 2, 2): the voxel map is at half resolution in Y and X. Cell j of that
# map covers grid voxels 2j and 2j+1; its centre is 2j + 0.5 (same rule as the detector cells).
LOCALIZER_MAP_STRIDE_XY = 2
# Anti-aliasing before shrinking an axis by factor f = target / source spacing > 1:
# Gaussian sigma (in source voxels) = (f - 1) / 2, kernel radius = ceil(3 sigma), edges clamped.
# Step 5: the in-plane box of the body, so the localizer's 3D activations (most of a browser
# analysis's memory) cover the patient and not the air around them. A grid voxel is body when its
# scaled value exceeds LEVEL (0.125 = -625 HU, exact in float32 so both languages compare alike);
# a grid column (x) or row (y) is kept when it holds at least SHARE of the body voxels of the
# fullest one (the thin table and stray noise stay out), widened by MARGIN voxels each side; the
# box starts at a multiple of the pad multiple (the net's pooling sees the grid as before).
LOCALIZER_BODY_LEVEL = 0.125
LOCALIZER_BODY_SHARE = 0.1
LOCALIZER_BODY_MARGIN_VOXELS = 8
# The localizer runs on slabs of SLAB slices along z, STEP apart (the last one ends at the last
# padded slice); each slice's outputs come from the slab whose middle is nearest. The network was
# trained on 48-slice patches, and its 3D activations, most of a browser analysis's memory,
# shrink with the slab: 80 slices of a chest CT run as two slabs of 48. Smaller slabs were
# measured in session 7 and not kept (training/README.md, "Conventions").
LOCALIZER_SLAB_SLICES = 48
LOCALIZER_SLAB_STEP_SLICES = 32
ANTIALIAS_SIGMA_PER_SHRINK = 0.5
ANTIALIAS_TRUNCATE_SIGMAS = 3.0
PRESENCE_THRESHOLD = 0.5
# Light smoothing of the per-slice centres along z (Gaussian, in slices, edges clamped).
CENTRELINE_SMOOTHING_SIGMA_SLICES = 1.0
# Slices whose presence reaches this are the centreline's anchors: between two of them, the
# centres of less sure slices are replaced by linear interpolation before smoothing. Where the
# spine's signal fades (the 8-bit LIDC chest behind the heart) the soft-argmax centre can leave
# the spine for a bright neighbour and drag the straightened image with it.
CENTRELINE_ANCHOR_PRESENCE = 0.95

# --- Straightening (between the steps) ------------------------------------------------------
STRAIGHTEN_STEP_MM = 1.0
# Columns run anterior → posterior from -64 to +63 mm around the centreline: 128 columns.
STRAIGHTEN_HALF_WIDTH_MM = 64.0
# The centreline can be smoothed along its arc by a Gaussian of this sigma before straightening
# (contract.straighten.smooth_centreline; card straightening.centrelineSmoothingSigmaMm). The
# true centreline bends at every body centre, and straightened with that kink a grade 2-3 body
# reads 0.19 milder in the image than in mm on average (0.08 at 12 mm). Off (0) for now: at run
# time 12 mm also carried the localizer's wandering line below the real abdomen's L5 (its limits
# reach the scan's end) into L5, whose anterior height fell from 23.2 to 20.3 mm (a false mild
# wedge), with the shipped detector and with one trained at 12 mm (training/README.md).
STRAIGHTEN_SMOOTHING_SIGMA_MM = 0.0
# Training only, not in the card: the detector's training views can be straightened along the
# true centreline smoothed by this sigma (straightening.training_view_line), so that a fractured
# body looks as it does at run time. The true line bends at every body centre and unbends a
# fractured body in the image; the localizer's line does not follow those bends. On the 22
# fractures of models.fracture_grading the runtime's image showed grade 2-3 bodies 0.081 milder
# than in mm, the true line's 0.152, the true line smoothed by 8 mm 0.096, and 8 mm came closest
# to the runtime's image (mean |G px difference| 0.030 for the fractures, 0.021 for all;
# unsmoothed 0.079, 0.034; models.straightening_bias --runtime). detector-ft15 was trained with 8 (set here for the run; its cache is
# keyed by it): fractures read closer to the truth, but one real abdomen height 3.09 mm off, so
# it was not shipped (training/README.md, session 10). 0: views along the true centreline, as
# every shipped detector was trained.
TRAINING_VIEW_SMOOTHING_SIGMA_MM = 0.0
# The second look (body_centre_line.py; card straightening.secondLook): after the first
# detection the runtime straightens again along a line through the bodies' centres, the kind of
# line the detector's training views follow, and detects again. Only bodies whose centre lies
# within SECOND_LOOK_MAX_OFFSET_MM of the first line (in the first image) steer the line; with
# SECOND_LOOK_INNER_ONLY the top and bottom ones do not either; beyond the end centres the line
# returns to the first one over SECOND_LOOK_BLEND_MM along z. The second look stands only when
# it finds the same bodies as the first (as many, each within SECOND_LOOK_SAME_BODY_MM).
# Chosen on training seeds and held-out phantoms through the runtime's steps, then checked on 60
# held-out phantoms never looked at before (training/README.md, session 14).
SECOND_LOOK = True
SECOND_LOOK_MAX_OFFSET_MM = 10.0
SECOND_LOOK_INNER_ONLY = True
SECOND_LOOK_BLEND_MM = 30.0
SECOND_LOOK_SAME_BODY_MM = 10.0
# Value of straightened pixels that fall outside the volume (before normalisation).
STRAIGHTEN_OUTSIDE_HU = -1024.0

# --- Detector (step 2) ----------------------------------------------------------------------
DETECTOR_STRIDE = 4
DETECTOR_PAD_MULTIPLE = 32
# Population std below this is treated as this (a flat image must not divide by zero).
DETECTOR_MIN_STD = 1e-6
# A cell is positive when its centre is closer than this to the vertebra's centroid (mm = px).
POSITIVE_RADIUS_MM = 5.0
# The paper's 0.7 suits its 80k-iteration detector; ours (4 % of that) scores true cells lower.
# Calibrated on the validation seeds (below), never on the held-out ones: at 0.7 recall was 0.68,
# at 0.35 recall 1.00 with precision 0.967 (20 phantoms, 237 vertebrae;
# `python3 -m models.calibrate_objectness`).
OBJECTNESS_THRESHOLD = 0.35
NMS_BUTTERFLY_IOU_THRESHOLD = 0.1  # paper: suppress a candidate overlapping a kept one by more
# Evaluation: a prediction matches a ground-truth vertebra at Butterfly-IoU ≥ this.
MATCH_BUTTERFLY_IOU = 0.3
# The network's keypoint head is multiplied by this inside the graph, so the ONNX output is in
# pixels while the layer itself works with values of order 1.
KEYPOINT_OUTPUT_SCALE = 16.0
# Genant weights of the regression loss are 1 / max(G, this): a crushed body must not dominate.
MIN_GENANT_FOR_WEIGHT = 0.3
# Beside the point MAE the detector loss has the MAE of the three heights (px) and of the Genant
# ratio, scaled so that a ratio off by 0.05 costs as much as a 1 px height error: a point
# ~1 px off on a 6 mm segment of a crushed body changes G by 0.2, which the plain point MAE
# hardly sees (the shipped models graded severe fractures mild).
HEIGHT_LOSS_WEIGHT = 1.0
RATIO_LOSS_WEIGHT = 20.0

# Levels the `level` head predicts, in anatomical order. T13 and L6 (transitional spines) are
# classes of their own because the phantoms make them; the viewer shows them like any other.
LEVEL_NAMES = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + ["T13"]
    + [f"L{i}" for i in range(1, 6)]
    + ["L6", "S1"]
)

# Points, fixed order everywhere (DESIGN.md).
POINT_NAMES = ("AS", "AI", "MS", "MI", "PS", "PI")

# --- Data -----------------------------------------------------------------------------------
# Seeds: training draws from the first range, evaluation from the second; they never overlap.
TRAIN_SEEDS = (0, 100_000)  # half-open [start, stop)
HELDOUT_SEEDS = (1_000_000, 1_100_000)
# Training seeds generated with fracture_mix="severe" (phantom/generator.py FRACTURE_MIXES): the
# rare severe shapes the population mix holds too few of. Inside TRAIN_SEEDS, after the pool
# --train-phantoms draws from; train:detector --severe-phantoms N adds the first N.
SEVERE_FRACTURE_SEEDS = (50_000, 60_000)
# Validation: choosing post-training numbers (the objectness threshold), never training or scoring.
VALIDATION_SEEDS = (2_000_000, 2_100_000)
PRESETS = ("chest", "abdomen", "thoracolumbar", "whole", "cervical")
