"""Label values of `Phantom.labels` (the structure covering at least half of each voxel).

Vertebrae are numbered by their index in the ground truth's `vertebrae` order (top -> bottom)
so a segmentation target or a test can find one vertebra's body, its posterior elements and
the disc below it.
"""
from __future__ import annotations

MAX_VERTEBRAE = 40


def body(index: int) -> int:
    return 1 + index


def posterior(index: int) -> int:
    return 41 + index


def disc(upper_index: int) -> int:
    return 81 + upper_index


RIB = 121
COSTAL_CARTILAGE = 122
STERNUM = 123
CLAVICLE = 124
SCAPULA = 125
PELVIS = 126
SACRUM = 127
SKULL = 128
SPINAL_CANAL = 130
SPINAL_CORD = 131
CEMENT = 140
METAL = 141
LUNG = 150
HEART = 151
AORTA = 152
LIVER = 153
KIDNEY = 154
SPLEEN = 155
BOWEL = 156
BLADDER = 157
MUSCLE = 158
FAT = 159
SKIN = 160
TABLE = 161
AIRWAY = 162
VESSEL = 163
STOMACH = 164
FEMUR = 165

NAMES = {v: k.lower() for k, v in globals().items() if k.isupper() and isinstance(v, int) and k != "MAX_VERTEBRAE"}


def is_vertebral_body(label: int) -> bool:
    return 1 <= label <= MAX_VERTEBRAE
