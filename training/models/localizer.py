"""Step 1 network: a 3D fully convolutional U-Net-like net whose voxel logits are turned, inside
the graph, into one centre and one presence per axial slice (paper, "spine localization").

Input (1, 1, Z, Y, X): the preprocessed grid (preprocess.py), every axis a multiple of 16.
Outputs: `center` (1, Z, 2) = (x, y) in grid-voxel units of the input (voxel centres at
integers) and `presence` (1, Z) = max over the slice of the voxel probabilities.
The voxel map is at half resolution in Y and X (stride-(1, 2, 2) stem, as measured fast in
STACK_NOTES); its cell j covers grid voxels 2j and 2j+1 and sits at 2j + 0.5.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import conventions as C


def conv_bn_relu(cin: int, cout: int, stride: tuple[int, int, int] = (1, 1, 1)) -> nn.Sequential:
    return nn.Sequential(nn.Conv3d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm3d(cout), nn.ReLU(inplace=True))


def double_conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(conv_bn_relu(cin, cout), conv_bn_relu(cout, cout))


class UpBlock(nn.Module):
    """Nearest ×2 + 3×3×3 conv (never ConvTranspose: WebGPU has no 3D ConvTranspose), then the
    skip connection is concatenated and mixed."""

    def __init__(self, cin: int, cskip: int, cout: int) -> None:
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.reduce = conv_bn_relu(cin, cout)
        self.mix = double_conv(cout + cskip, cout)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.mix(torch.cat([self.reduce(self.up(x)), skip], dim=1))


class LocalizerNet(nn.Module):
    """Voxel logits (B, 1, Z, Y/2, X/2) of "near the vertebral column"."""

    def __init__(self, widths: tuple[int, int, int, int] = (16, 32, 48, 96)) -> None:
        super().__init__()
        w0, w1, w2, w3 = widths
        self.stem = nn.Sequential(conv_bn_relu(1, w0, stride=(1, 2, 2)), conv_bn_relu(w0, w0))
        self.down1 = nn.Sequential(nn.MaxPool3d(2), double_conv(w0, w1))
        self.down2 = nn.Sequential(nn.MaxPool3d(2), double_conv(w1, w2))
        self.down3 = nn.Sequential(nn.MaxPool3d(2), double_conv(w2, w3))
        self.up2 = UpBlock(w3, w2, w2)
        self.up1 = UpBlock(w2, w1, w1)
        self.up0 = UpBlock(w1, w0, w0)
        self.logits = nn.Conv3d(w0, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.stem(x)
        s1 = self.down1(s0)
        s2 = self.down2(s1)
        bottom = self.down3(s2)
        return self.logits(self.up0(self.up1(self.up2(bottom, s2), s1), s0))


def cell_centres(count: int, stride: int, like: torch.Tensor) -> torch.Tensor:
    """Input-voxel coordinate of each map cell: j·stride + (stride - 1) / 2. Built from the
    traced size so the exported graph keeps dynamic spatial axes."""
    return torch.arange(count, dtype=like.dtype, device=like.device) * stride + (stride - 1) / 2


def slice_centre_and_presence_logit(logits: torch.Tensor, stride: int = C.LOCALIZER_MAP_STRIDE_XY) -> tuple[torch.Tensor, torch.Tensor]:
    """Soft-argmax over each axial slice and its max logit.

    logits (B, 1, Z, H, W) → centre (B, Z, 2) as (x, y) in input voxels, presence logit (B, Z).
    The softmax over (H, W) is written out with reductions over axes 3 and 4 instead of a
    reshape, so the exported graph keeps the batch axis a plain 1 and needs no Shape arithmetic.
    The max of the sigmoid is the sigmoid of the max, so training uses the stable
    BCE-with-logits on it while the graph outputs the probability.
    """
    peak = logits.amax(dim=(3, 4), keepdim=True)  # (B, 1, Z, 1, 1)
    e = torch.exp(logits - peak)
    weights = e / e.sum(dim=(3, 4), keepdim=True)
    x = (weights.sum(dim=3) * cell_centres(logits.shape[4], stride, logits)).sum(dim=-1)  # (B, 1, Z)
    y = (weights.sum(dim=4) * cell_centres(logits.shape[3], stride, logits)).sum(dim=-1)
    return torch.stack([x, y], dim=-1)[:, 0], peak[:, 0, :, 0, 0]


class LocalizerForExport(nn.Module):
    """The graph that ships: image → (`center`, `presence`)."""

    def __init__(self, net: LocalizerNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        centre, presence_logit = slice_centre_and_presence_logit(self.net(x))
        return centre, torch.sigmoid(presence_logit)


def localizer_loss(centre: torch.Tensor, presence_logit: torch.Tensor, target_centre: torch.Tensor, centre_mask: torch.Tensor, target_presence: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    """Paper: MAE of the centres (only slices with a target centre) + BCE of presence per slice.

    centre, target_centre (B, Z, 2) in grid voxels; centre_mask, target_presence (B, Z) in {0, 1}.
    """
    mask = centre_mask.unsqueeze(-1).expand_as(centre)
    mae = (torch.abs(centre - target_centre) * mask).sum() / mask.sum().clamp(min=1.0)
    bce = F.binary_cross_entropy_with_logits(presence_logit, target_presence)
    return mae + bce, {"centre_mae_vox": float(mae), "presence_bce": float(bce)}
