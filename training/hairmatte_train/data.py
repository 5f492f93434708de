"""Hair data: listing, the fixed per-source train/validation split, and an in-memory preload.

Two layouts are understood:
- the shared hair set: DIR/manifest.csv (source,id,width,height,note) and DIR/<source>/images/<id>.jpg
  with DIR/<source>/masks/<id>.png;
- any folder DIR/images/* + DIR/masks/<same stem>.png (your own data; one source named after DIR).
Masks are 8-bit, hair where the value is >= 128, as .png (or lossless .webp, as in a pack: pack.py).
"""
import csv
import json
import os
import random
from dataclasses import dataclass
from typing import Dict, List, Optional

import numpy as np
from PIL import Image

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
MASK_EXTS = (".png", ".webp")


@dataclass(frozen=True)
class Sample:
    source: str
    id: str
    image_path: str
    mask_path: str
    note: str = ""


def _find_image(folder: str, stem: str) -> Optional[str]:
    for ext in IMAGE_EXTS + tuple(e.upper() for e in IMAGE_EXTS):
        p = os.path.join(folder, stem + ext)
        if os.path.exists(p):
            return p
    return None


def _find_mask(folder: str, stem: str) -> str:
    """The mask file of `stem` (.png, else .webp); the .png path when neither exists (for the error)."""
    for ext in MASK_EXTS:
        p = os.path.join(folder, stem + ext)
        if os.path.exists(p):
            return p
    return os.path.join(folder, stem + MASK_EXTS[0])


def list_samples(root: str) -> List[Sample]:
    """All (image, mask) pairs under `root`, sorted by (source, id). Raises on a missing file."""
    if not os.path.isdir(root):
        raise FileNotFoundError(f"data folder {root!r} does not exist")
    manifest = os.path.join(root, "manifest.csv")
    samples: List[Sample] = []
    if os.path.exists(manifest):
        with open(manifest, newline="") as f:
            for row in csv.DictReader(f):
                src, sid = row["source"], row["id"]
                img = _find_image(os.path.join(root, src, "images"), sid)
                mask = _find_mask(os.path.join(root, src, "masks"), sid)
                if img is None or not os.path.exists(mask):
                    raise FileNotFoundError(f"{manifest}: {src}/{sid} has no image or mask file")
                samples.append(Sample(src, sid, img, mask, row.get("note", "") or ""))
    else:
        img_dir, mask_dir = os.path.join(root, "images"), os.path.join(root, "masks")
        if not (os.path.isdir(img_dir) and os.path.isdir(mask_dir)):
            raise FileNotFoundError(f"{root!r} has neither manifest.csv nor images/ + masks/ folders")
        source = os.path.basename(os.path.normpath(root))
        for name in sorted(os.listdir(img_dir)):
            stem, ext = os.path.splitext(name)
            if ext.lower() not in IMAGE_EXTS:
                continue
            mask = _find_mask(mask_dir, stem)
            if not os.path.exists(mask):
                raise FileNotFoundError(f"{os.path.join(img_dir, name)} has no mask {mask}")
            samples.append(Sample(source, stem, os.path.join(img_dir, name), mask))
    if not samples:
        raise ValueError(f"no samples found under {root!r}")
    return sorted(samples, key=lambda s: (s.source, s.id))


def make_split(samples: List[Sample], val_fraction: float = 0.12, seed: int = 20190603) -> Dict:
    """A seeded split per source: round(val_fraction * n) validation ids (at least 1 when n >= 2)."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    by_source: Dict[str, List[str]] = {}
    for s in samples:
        by_source.setdefault(s.source, []).append(s.id)
    split = {"seed": seed, "val_fraction": val_fraction, "sources": {}}
    for source in sorted(by_source):
        ids = sorted(by_source[source])
        rng = random.Random(f"{seed}:{source}")
        shuffled = ids[:]
        rng.shuffle(shuffled)
        n_val = max(1, round(val_fraction * len(ids))) if len(ids) >= 2 else 0
        val = set(shuffled[:n_val])
        split["sources"][source] = {"train": [i for i in ids if i not in val], "val": sorted(val)}
    return split


def load_or_create_split(samples: List[Sample], path: str, val_fraction: float = 0.12,
                         seed: int = 20190603) -> Dict:
    """Reuse the split file if present (it is the reference), else create and write it."""
    if os.path.exists(path):
        with open(path) as f:
            split = json.load(f)
        known = {(src, i) for src, part in split["sources"].items() for k in ("train", "val") for i in part[k]}
        missing = [(s.source, s.id) for s in samples if (s.source, s.id) not in known]
        if missing:
            raise ValueError(f"{path}: {len(missing)} samples are in neither split, e.g. {missing[:3]}; "
                             "delete the file to re-split")
        return split
    split = make_split(samples, val_fraction, seed)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(split, f, indent=1)
        f.write("\n")
    return split


def select(samples: List[Sample], split: Dict, part: str) -> List[Sample]:
    if part not in ("train", "val"):
        raise ValueError(f"part must be 'train' or 'val', got {part!r}")
    keep = {(src, i) for src, p in split["sources"].items() for i in p[part]}
    return [s for s in samples if (s.source, s.id) in keep]


def load_pair(sample: Sample):
    """(RGB uint8 [H, W, 3], mask bool [H, W]) at the file's resolution; sizes must agree."""
    img = Image.open(sample.image_path).convert("RGB")
    mask = Image.open(sample.mask_path).convert("L")
    if img.size != mask.size:
        raise ValueError(f"{sample.source}/{sample.id}: image {img.size} and mask {mask.size} differ")
    return np.asarray(img), np.asarray(mask) >= 128


def preload(samples: List[Sample], size: int, cache_file: Optional[str] = None):
    """Every sample stretched to size x size, kept in memory as uint8 arrays
    (images [N, 3, size, size], masks [N, size, size] in {0, 255}) so that training decodes no JPEG.
    Cached to `cache_file` (.npz) when given; the cache is keyed by the sample list."""
    key = json.dumps([size] + [[s.source, s.id] for s in samples])
    if cache_file and os.path.exists(cache_file):
        with np.load(cache_file) as z:
            if str(z["key"]) == key:
                return z["images"], z["masks"]
    images = np.empty((len(samples), 3, size, size), np.uint8)
    masks = np.empty((len(samples), size, size), np.uint8)
    for n, s in enumerate(samples):
        img, mask = load_pair(s)
        images[n] = np.asarray(Image.fromarray(img).resize((size, size), Image.BILINEAR)).transpose(2, 0, 1)
        masks[n] = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize((size, size), Image.BILINEAR))
    if cache_file:
        os.makedirs(os.path.dirname(os.path.abspath(cache_file)), exist_ok=True)
        # one temporary name per process: runs started side by side without a --preload-only pass first
        # each write the cache, and a shared name made the second os.replace fail (seen on the GPU machine)
        tmp = f"{cache_file}.{os.getpid()}.tmp.npz"
        np.savez(tmp, key=np.array(key), images=images, masks=masks)
        os.replace(tmp, cache_file)
    return images, masks


def split_path(data: str, split: Optional[str], default: str) -> str:
    """The split file `split`, else `default` (the committed split) for a folder with manifest.csv (the
    shared set); ValueError for another folder without --split (its training run wrote OUTDIR/split.json)."""
    path = split or (default if os.path.exists(os.path.join(data, "manifest.csv")) else None)
    if path is None:
        raise ValueError("--split is required for a folder without manifest.csv (use OUTDIR/split.json of its training)")
    return path


def read_split(data: str, split: Optional[str], default: str) -> Dict:
    """The split that split_path() names, loaded."""
    with open(split_path(data, split, default)) as f:
        return json.load(f)
