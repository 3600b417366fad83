"""Torch models as the plain numpy functions evaluate.py takes (batch 1, eval mode)."""
from __future__ import annotations

import numpy as np
import torch

from .detector import DetectorNet
from .evaluate import DetectorFn, LocalizerFn
from .localizer import LocalizerForExport, LocalizerNet
from .slabs import in_slabs


def localizer_runner(net: LocalizerNet, device: torch.device | str = "cpu") -> LocalizerFn:
    graph = LocalizerForExport(net).to(device).eval()

    def run(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            centre, presence = graph(torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None].to(device))
        return centre[0].cpu().numpy(), presence[0].cpu().numpy()

    return in_slabs(run)  # as the runtime runs it


def detector_runner(net: DetectorNet, device: torch.device | str = "cpu") -> DetectorFn:
    net = net.to(device).eval()

    def run(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        with torch.no_grad():
            obj, kp, lvl = net(torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None].to(device))
        return obj[0].cpu().numpy(), kp[0].cpu().numpy(), lvl[0].cpu().numpy()

    return run
