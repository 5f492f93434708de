"""A compact copy of a data folder for moving it to a training machine: every photo stretched to the
trainer's preload size (data.preload, 256 px for training at 224) and stored as lossy WebP, every mask
resampled the same way, thresholded at 128 (where the trainer thresholds it) and stored as lossless
WebP (for the shared set 1.9 MB in all, against 3.0 MB as 1-bit PNG and 3.6 MB as 8-bit PNG).

The pack keeps the folder's layout, so the trainer reads it like the original: a manifest.csv folder
(the shared set: same sources, ids and notes, so the committed split applies) or images/ + masks/.
pack.json records how it was made. What the trainer then trains on differs from the original only by
the WebP coding of the images (the preload resize is the same; a resize to the size a file already has
is a copy)."""
import csv
import json
import os
from typing import Dict, List

import numpy as np
from PIL import Image

from .data import Sample, list_samples, load_pair


def pack_sample(sample: Sample, image_out: str, mask_out: str, size: int, quality: int) -> None:
    img, mask = load_pair(sample)
    # The same resampling as data.preload, so a pack at the preload size is preloaded unchanged.
    Image.fromarray(img).resize((size, size), Image.BILINEAR).save(image_out, "WEBP", quality=quality, method=6)
    soft = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize((size, size), Image.BILINEAR))
    Image.fromarray(np.where(soft >= 128, 255, 0).astype(np.uint8)).save(mask_out, "WEBP", lossless=True, method=6)


def pack_folder(root: str, out: str, size: int = 256, quality: int = 80, progress=None) -> Dict:
    """Writes the pack of data folder `root` to `out` (which must not exist yet); returns pack.json's dict."""
    if not 1 <= quality <= 100:
        raise ValueError(f"WebP quality must be in 1..100, got {quality}")
    if size <= 0 or size % 32:
        raise ValueError(f"pack size must be a positive multiple of 32, got {size}")
    samples = list_samples(root)
    if os.path.exists(out):
        raise FileExistsError(f"{out} exists; packs are written to a new folder")
    manifest = os.path.join(root, "manifest.csv")
    layout = "manifest" if os.path.exists(manifest) else "folder"
    os.makedirs(out)
    for n, s in enumerate(samples):
        base = os.path.join(out, s.source) if layout == "manifest" else out
        os.makedirs(os.path.join(base, "images"), exist_ok=True)
        os.makedirs(os.path.join(base, "masks"), exist_ok=True)
        pack_sample(s, os.path.join(base, "images", s.id + ".webp"), os.path.join(base, "masks", s.id + ".webp"),
                    size, quality)
        if progress and (n + 1) % 200 == 0:
            progress(f"{n + 1}/{len(samples)}")
    if layout == "manifest":
        with open(manifest, newline="") as f:
            rows: List[Dict] = list(csv.DictReader(f))
        with open(os.path.join(out, "manifest.csv"), "w", newline="") as f:
            # rows as they were (width/height still describe the original photos)
            writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            writer.writeheader()
            writer.writerows(rows)
    info = {"from": os.path.abspath(root), "layout": layout, "count": len(samples), "size": size,
            "image_format": f"webp quality {quality}", "mask_format": "webp lossless, 0/255 (thresholded at 128)",
            "bytes": folder_bytes(out)}
    with open(os.path.join(out, "pack.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    return info


def folder_bytes(root: str) -> int:
    return sum(os.path.getsize(os.path.join(d, name)) for d, _, files in os.walk(root) for name in files)
