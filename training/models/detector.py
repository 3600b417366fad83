"""Step 2 network: the anchor-free vertebra detector on the straightened mid-sagittal image.

Input (1, 1, H, W): the normalised image, H and W multiples of 32. Outputs on the grid of
stride r = 4 (cell (i, j) covers rows i·r … i·r+r-1 and columns j·r … j·r+r-1; its centre is
(j·r + (r-1)/2, i·r + (r-1)/2) in (column, row) pixels, pixel centres at integers):
  `objectness` (1, 1, H/r, W/r) logits,
  `keypoints` (1, 12, H/r, W/r): (x, y) of AS, AI, MS, MI, PS, PI in input pixels relative to
      the cell centre, channels x0, y0, x1, y1, …,
  `level` (1, L, H/r, W/r) logits over conventions.LEVEL_NAMES.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import conventions as C


def conv_bn_relu(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def stage(cin: int, cout: int, stride: int) -> nn.Sequential:
    """A strided conv then a plain one: halve the size, double the context."""
    return nn.Sequential(conv_bn_relu(cin, cout, stride), conv_bn_relu(cout, cout))


class UpMerge(nn.Module):
    """Nearest ×2 + conv, added to a 1×1 projection of the finer skip (FPN-style)."""

    def __init__(self, cin: int, cskip: int, cout: int) -> None:
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.reduce = conv_bn_relu(cin, cout)
        self.lateral = nn.Conv2d(cskip, cout, 1)
        self.mix = conv_bn_relu(cout, cout)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.mix(self.reduce(self.up(x)) + self.lateral(skip))


class DetectorNet(nn.Module):
    def __init__(self, widths: tuple[int, ...] = (32, 64, 80, 128, 176), head_width: int = 64, levels: int = len(C.LEVEL_NAMES)) -> None:
        super().__init__()
        w1, w2, w3, w4, w5 = widths
        self.s2 = stage(1, w1, 2)
        self.s4 = stage(w1, w2, 2)
        self.s8 = stage(w2, w3, 2)
        self.s16 = stage(w3, w4, 2)
        self.s32 = stage(w4, w5, 2)
        self.up16 = UpMerge(w5, w4, w4)
        self.up8 = UpMerge(w4, w3, w3)
        self.up4 = UpMerge(w3, w2, head_width)
        self.trunk = conv_bn_relu(head_width, head_width)
        self.objectness = nn.Conv2d(head_width, 1, 1)
        self.keypoints = nn.Conv2d(head_width, 12, 1)
        self.level = nn.Conv2d(head_width, levels, 1)
        # Few cells are positive: start the objectness near their rate so BCE starts calm.
        nn.init.constant_(self.objectness.bias, -4.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        f4 = self.s4(self.s2(x))
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        head = self.trunk(self.up4(self.up8(self.up16(f32, f16), f8), f4))
        return self.objectness(head), self.keypoints(head) * C.KEYPOINT_OUTPUT_SCALE, self.level(head)


def heights_px(keypoints: torch.Tensor) -> torch.Tensor:
    """(B, 12, h, w) encoded points → (B, 3, h, w) h_a, h_m, h_p in pixels (offsets share a
    cell centre, so their differences are the points' differences)."""
    sup = torch.stack([keypoints[:, 4 * k:4 * k + 2] for k in range(3)], dim=1)
    inf = torch.stack([keypoints[:, 4 * k + 2:4 * k + 4] for k in range(3)], dim=1)
    return torch.sqrt(((sup - inf) ** 2).sum(dim=2) + 1e-6)


def genant_ratio(heights: torch.Tensor) -> torch.Tensor:
    """(B, 3, h, w) heights → (B, 1, h, w) min / max (DESIGN.md's G)."""
    return heights.min(dim=1, keepdim=True).values / heights.max(dim=1, keepdim=True).values.clamp(min=1e-3)


def detector_loss(
    outputs: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    objectness: torch.Tensor,
    objectness_weight: torch.Tensor,
    keypoints: torch.Tensor,
    regression_weight: torch.Tensor,
    level: torch.Tensor,
    level_weight: float = 0.1,
    height_weight: float = C.HEIGHT_LOSS_WEIGHT,
    ratio_weight: float = C.RATIO_LOSS_WEIGHT,
) -> tuple[torch.Tensor, dict[str, float]]:
    """BCE of objectness (cells of partly visible vertebrae have weight 0) + Genant-weighted MAE
    of the encoded points on positive cells, of the three heights and of the ratio G there + a
    small cross-entropy of the level there.

    objectness, objectness_weight, regression_weight (B, 1, h, w); keypoints (B, 12, h, w) in
    pixels; level (B, h, w) class index, -100 where there is none. regression_weight is
    1 / max(G, MIN_GENANT_FOR_WEIGHT) on positive cells and 0 elsewhere (targets.py).
    """
    pred_obj, pred_kp, pred_level = outputs
    bce = (F.binary_cross_entropy_with_logits(pred_obj, objectness, reduction="none") * objectness_weight).sum() / objectness_weight.sum().clamp(min=1.0)
    positives = (regression_weight > 0).float().sum().clamp(min=1.0)
    mae = (torch.abs(pred_kp - keypoints).mean(dim=1, keepdim=True) * regression_weight).sum() / positives
    pred_h, true_h = heights_px(pred_kp), heights_px(keypoints)
    height_mae = (torch.abs(pred_h - true_h).mean(dim=1, keepdim=True) * regression_weight).sum() / positives
    ratio_mae = (torch.abs(genant_ratio(pred_h) - genant_ratio(true_h)) * regression_weight).sum() / positives
    if (level >= 0).any():
        ce = F.cross_entropy(pred_level, level, ignore_index=-100)
    else:
        ce = pred_level.sum() * 0.0
    total = bce + mae + height_weight * height_mae + ratio_weight * ratio_mae + level_weight * ce
    return total, {"objectness_bce": float(bce), "keypoint_mae_px": float(mae), "height_mae_px": float(height_mae),
                   "ratio_mae": float(ratio_mae), "level_ce": float(ce)}
