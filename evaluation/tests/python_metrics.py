#!/usr/bin/python3
"""The training side's measures of the cases on stdin, for metrics-parity.test.mjs.

stdin: {"cases": [{"width", "height", "rgba": [...], "prob": [...], "mask": [...]}], "resize": [...]}
stdout: {"cases": [image_metrics + grad_consistency (float64 and float32)], "means": mean_metrics,
         "resize": [F.interpolate(bilinear, align_corners=False) of each plane]}
Uses training/hairmatte_train (metrics.py, losses.py) exactly as training/evaluate.py does.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
from hairmatte_train.losses import gradient_consistency  # noqa: E402
from hairmatte_train.metrics import image_metrics, mean_metrics  # noqa: E402


def nan_to_none(d):
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def main():
    req = json.load(sys.stdin)
    out, rows = [], []
    for c in req["cases"]:
        h, w = c["height"], c["width"]
        rgb = np.asarray(c["rgba"], dtype=np.float64).reshape(h, w, 4)[:, :, :3]
        prob = np.asarray(c["prob"], dtype=np.float64).reshape(h, w)
        mask = np.asarray(c["mask"], dtype=np.uint8).reshape(h, w) >= 128
        m = image_metrics(prob, mask)
        x = torch.from_numpy(rgb).permute(2, 0, 1)[None]
        p = torch.from_numpy(prob)[None, None]
        m["grad_consistency"] = float(gradient_consistency(p, x)[0])
        m["grad_consistency_f32"] = float(gradient_consistency(p.float(), x.float())[0])
        rows.append({k: v for k, v in m.items() if k != "grad_consistency_f32"})
        out.append(nan_to_none(m))
    resized = []
    for r in req.get("resize", []):
        plane = torch.tensor(r["data"], dtype=torch.float64).reshape(1, 1, r["height"], r["width"])
        y = F.interpolate(plane, size=(r["outHeight"], r["outWidth"]), mode="bilinear", align_corners=False)
        resized.append(y.flatten().tolist())
    json.dump({"cases": out, "means": nan_to_none(mean_metrics(rows)), "resize": resized}, sys.stdout)


if __name__ == "__main__":
    main()
