#!/usr/bin/python3
"""Cut a trained HairMatteNet down to a narrower encoder width and decoder depth (hairmatte_train/prune.py
says how the channels are chosen), measured on TRAINING images of the split; writes a float .hmm.

  /usr/bin/python3 training/prune.py --model models/hairmattenet.hmm --data ../shared/data/hair \
      --width 750 --depth 48 --out runs/pruned/hairmattenet-w750.hmm [--calib 32]

The result is a starting point, not a finished model: fine-tune it with distillation from the model it
came from, e.g.
  npm run train -- --data ../shared/data/hair --arch hairmattenet --width 750 --depth 48 --out runs/w750 \
      --init runs/pruned/hairmattenet-w750.hmm --teacher models/hairmattenet.hmm --ema 0.999 ...
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train import prune as P  # noqa: E402
from hairmatte_train import architecture as A  # noqa: E402
from hairmatte_train.data import list_samples, load_pair, read_split, select  # noqa: E402
from hairmatte_train.model_file import encode_model, model_from_tensors, read_model  # noqa: E402
from hairmatte_train.trainer import DEFAULT_SPLIT  # noqa: E402
from quantize import per_source as quantize_per_source  # noqa: E402


def calibration_images(samples, per_source: int, size: int) -> torch.Tensor:
    """`per_source` training images of each source, evenly spread (quantize.py's choice), stretched to
    size x size and normalised as the network's input (x / 127.5 - 1)."""
    picked = quantize_per_source(samples, per_source)
    out = torch.empty(len(picked), 3, size, size)
    for n, s in enumerate(picked):
        img = Image.fromarray(load_pair(s)[0]).resize((size, size), Image.BILINEAR)
        out[n] = torch.from_numpy(np.asarray(img, np.float32)).permute(2, 0, 1) / 127.5 - 1.0
    return out


def main(argv) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="the trained float .hmm (HairMatteNet)")
    p.add_argument("--data", required=True, help="data folder (manifest.csv layout or images/ + masks/)")
    p.add_argument("--out", required=True, help="the pruned model, .hmm (fp32 weights)")
    p.add_argument("--width", type=int, default=750, help="target encoder width in thousandths")
    p.add_argument("--depth", type=int, default=0, help="target decoder depth (default: the model's)")
    p.add_argument("--split", default=None, help="split file (default: the committed split for the shared set)")
    p.add_argument("--calib", type=int, default=32, help="training images per source for the statistics")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    if not os.path.exists(a.model):
        p.error(f"model {a.model} not found")
    if not a.out.endswith(".hmm"):
        p.error(f"--out must end in .hmm, got {a.out}")
    if a.width not in A.WIDTHS_MILLI:
        p.error(f"--width must be one of {A.WIDTHS_MILLI}, got {a.width}")
    header, tensors = read_model(a.model)
    depth = a.depth or header["depth"]
    if a.width > header["width_milli"] or depth > header["depth"] or depth < 1:
        p.error(f"--width {a.width} / --depth {depth} must not exceed the model's {header['width_milli']} / "
                f"{header['depth']}")
    try:
        split = read_split(a.data, a.split, DEFAULT_SPLIT)
    except ValueError as e:
        p.error(str(e))
    t0 = time.time()
    images = calibration_images(select(list_samples(a.data), split, "train"), a.calib, header["input_size"])
    print(f"statistics on {len(images)} training images ...", file=sys.stderr, flush=True)
    stats = P.consumer_statistics(header, tensors, images)
    pruned, kept = P.prune_tensors(header, tensors, stats, a.width, depth)
    with torch.no_grad():  # how far the cut network starts from the original, on the same images
        x = images[: 4 * max(1, len(images) // 16)]
        before = torch.softmax(model_from_tensors(header, tensors)(x), 1)[:, 1]
        after = torch.softmax(model_from_tensors(dict(header, width_milli=a.width, depth=depth), pruned)(x), 1)[:, 1]
        agree = ((before > 0.5) & (after > 0.5)).sum() / ((before > 0.5) | (after > 0.5)).sum().clamp(min=1)
    meta = dict(header.get("metadata") or {})
    meta["pruned"] = {"from": os.path.basename(a.model), "width_milli": a.width, "depth": depth,
                      "calibration_images_per_source": a.calib, "rule": "Var(x_j) * ||W[:, j]||^2 per consumer, "
                      "mean contribution moved into the bias"}
    blob = encode_model(header["arch"], a.width, depth, header["input_size"], pruned, meta, "fp32")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "wb") as f:
        f.write(blob)
    print(f"wrote {a.out}: width {a.width / 1000:g}, depth {depth}, {len(blob)} bytes, "
          f"channels kept per group {[len(k) for k in kept]}; agreement IoU with the original on "
          f"{len(x)} calibration images {float(agree):.3f} ({time.time() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
