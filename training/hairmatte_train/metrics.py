"""Per-image segmentation metrics at threshold 0.5 (means over images are taken by the caller).

F1 = 2TP / (2TP + FP + FN); Performance (Guo & Aarabi) = (TP - FP) / (TP + FN);
IoU = TP / (TP + FP + FN); Accuracy = (TP + TN) / all pixels.
An image with no hair in mask or prediction counts as F1 = IoU = 1; Performance is undefined when
the mask has no hair (NaN, left out of means).
"""
import math
from typing import Dict, Iterable

import numpy as np

METRICS = ("f1", "performance", "iou", "accuracy")


def image_metrics(prob: np.ndarray, mask: np.ndarray) -> Dict[str, float]:
    """prob: hair probability [H, W] in [0, 1]; mask: bool [H, W] of the same shape."""
    if prob.shape != mask.shape:
        raise ValueError(f"prediction {prob.shape} and mask {mask.shape} differ in shape")
    pred = prob >= 0.5
    gt = mask.astype(bool)
    tp = float(np.count_nonzero(pred & gt))
    fp = float(np.count_nonzero(pred & ~gt))
    fn = float(np.count_nonzero(~pred & gt))
    tn = float(pred.size) - tp - fp - fn
    union = tp + fp + fn
    return {
        "f1": 1.0 if union == 0 else 2 * tp / (2 * tp + fp + fn),
        "performance": math.nan if tp + fn == 0 else (tp - fp) / (tp + fn),
        "iou": 1.0 if union == 0 else tp / union,
        "accuracy": (tp + tn) / pred.size,
    }


def mean_metrics(rows: Iterable[Dict[str, float]]) -> Dict[str, float]:
    rows = list(rows)
    out = {"count": len(rows)}
    for key in rows[0].keys() if rows else ():
        vals = [r[key] for r in rows if not math.isnan(r[key])]
        out[key] = float(np.mean(vals)) if vals else math.nan
    return out
