#!/usr/bin/python3
"""Evaluate a model on the validation split: F1, Performance, IoU, Accuracy (means over images,
threshold 0.5) and the gradient-consistency loss (paper Eq. 1 on the soft matte), per source and per
Figaro-1k hair type (manifest `note`).

Protocol: each image is stretched to the model's input size (the engine does the same), the hair
probability is resized bilinearly back to the image's own resolution, and compared with the full
resolution mask; Eq. 1 is computed there against the image's luma.

  /usr/bin/python3 training/evaluate.py --model models/hairmattenet.hmm --data ../shared/data/hair [--json FILE]
--model takes a .hmm file or a training checkpoint (.pt).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train.checkpoint import load_checkpoint  # noqa: E402
from hairmatte_train.export import checkpoint_weights  # noqa: E402
from hairmatte_train.data import list_samples, load_pair, select, split_path  # noqa: E402
from hairmatte_train.losses import gradient_consistency  # noqa: E402
from hairmatte_train.metrics import image_metrics, mean_metrics  # noqa: E402
from hairmatte_train.model_file import model_from_tensors, read_model  # noqa: E402
from hairmatte_train.models import HairNet, hair_probability  # noqa: E402
from hairmatte_train.trainer import DEFAULT_SPLIT  # noqa: E402


def load_any(path: str, size: int):
    """(model in eval mode, input size) from a .hmm file or a trainer checkpoint."""
    if path.endswith(".pt"):
        ck = load_checkpoint(path)
        model = HairNet(ck["arch"], ck["width"], ck["depth"])
        model.load_state_dict(checkpoint_weights(ck))  # an --ema run's average, as the trainer validates
        return model.eval(), size or ck["args"]["size"]
    header, tensors = read_model(path)
    return model_from_tensors(header, tensors), size or header["input_size"]


@torch.no_grad()
def predict(model, img: np.ndarray, size: int) -> torch.Tensor:
    """Hair probability [1, 1, H, W] at the image's resolution."""
    x = torch.from_numpy(np.array(img, np.float32)).permute(2, 0, 1)[None]
    small = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    prob = hair_probability(model(small / 127.5 - 1.0))
    return F.interpolate(prob, size=img.shape[:2], mode="bilinear", align_corners=False), x


def evaluate(model, samples, size: int, progress=None, per_image=None):
    """Means per group; per-image rows are appended to `per_image` (a list) when given."""
    groups = {}
    for n, s in enumerate(samples):
        img, mask = load_pair(s)
        prob, x = predict(model, img, size)
        m = image_metrics(prob[0, 0].numpy(), mask)
        m["grad_consistency"] = float(gradient_consistency(prob, x)[0])
        groups.setdefault(s.source, []).append(m)
        if per_image is not None:
            per_image.append(dict(m, source=s.source, id=s.id, note=s.note))
        if s.source == "figaro1k" and s.note:
            groups.setdefault(f"figaro1k/{s.note}", []).append(m)
        if progress and (n + 1) % 100 == 0:
            progress(f"{n + 1}/{len(samples)} images")
    return {g: mean_metrics(rows) for g, rows in sorted(groups.items())}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help=".hmm file or trainer checkpoint (.pt)")
    p.add_argument("--data", required=True, help="data folder (manifest.csv layout or images/ + masks/)")
    p.add_argument("--split", default=None, help="split file (default: the committed split for the shared set)")
    p.add_argument("--part", default="val", choices=["val", "train"])
    p.add_argument("--size", type=int, default=0, help="input size (default: the model's)")
    p.add_argument("--limit", type=int, default=0, help="at most N images per source (0 = all)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--worst", type=int, default=0, help="also list the N images with the lowest IoU")
    p.add_argument("--json", default=None, help="also write the results to this JSON file ('-' = stdout)")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    if not os.path.exists(a.model):
        p.error(f"model {a.model} not found")
    samples = list_samples(a.data)
    try:
        split_file = split_path(a.data, a.split, DEFAULT_SPLIT)
    except ValueError as e:
        p.error(str(e))
    with open(split_file) as f:
        samples = select(samples, json.load(f), a.part)
    if a.limit:
        kept, count = [], {}
        for s in samples:
            count[s.source] = count.get(s.source, 0) + 1
            if count[s.source] <= a.limit:
                kept.append(s)
        samples = kept
    model, size = load_any(a.model, a.size)
    t0 = time.time()
    rows = []
    results = evaluate(model, samples, size, lambda m: print(m, file=sys.stderr, flush=True), rows)
    report = {"model": os.path.basename(a.model), "arch": model.arch, "input_size": size, "part": a.part,
              "split": os.path.relpath(split_file), "seconds": round(time.time() - t0, 1), "groups": results}
    print(f"{'group':<22} {'n':>5} {'F1':>7} {'Perf':>7} {'IoU':>7} {'Acc':>7} {'GradCons':>9}")
    for g, r in results.items():
        print(f"{g:<22} {r['count']:>5} {r['f1']:7.4f} {r['performance']:7.4f} {r['iou']:7.4f} "
              f"{r['accuracy']:7.4f} {r['grad_consistency']:9.4f}")
    worst = sorted(rows, key=lambda r: r["iou"])[:a.worst]
    if worst:
        report["worst"] = worst
        print("lowest IoU: " + ", ".join(f"{r['source']}/{r['id']} {r['iou']:.3f}" for r in worst))
    if a.json:
        text = json.dumps(report, indent=1, sort_keys=True)
        if a.json == "-":
            print(text)
        else:
            with open(a.json, "w") as f:
                f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
