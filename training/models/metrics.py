"""Small exact metrics: ROC AUC (Mann-Whitney, ties count one half) and one-to-one matching of
vertebrae by Butterfly-IoU."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.stats import rankdata

from contract.butterfly import butterfly_iou


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Probability that a random positive scores above a random negative (a tie counts 1/2),
    computed exactly from average ranks. None when either class is empty."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(s)  # average ranks for ties
    u = ranks[y].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def match_by_butterfly(predicted: Sequence[np.ndarray], truth: Sequence[np.ndarray], threshold: float) -> list[tuple[int, int, float]]:
    """(prediction index, truth index, IoU) pairs, one-to-one: pairs below the threshold are
    discarded, the rest taken greedily from the highest IoU (paper: each target gets its closest
    prediction)."""
    pairs = []
    for i, p in enumerate(predicted):
        for j, t in enumerate(truth):
            iou = butterfly_iou(p, t)
            if iou >= threshold:
                pairs.append((iou, i, j))
    used_p, used_t, out = set(), set(), []
    for iou, i, j in sorted(pairs, key=lambda x: -x[0]):
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            out.append((i, j, iou))
    return out


def mean_or_none(values: Sequence[float]) -> float | None:
    v = [float(x) for x in values if x is not None and np.isfinite(x)]
    return float(np.mean(v)) if v else None
