#!/usr/bin/python3
"""Pack a data folder for a training machine: photos at the preload size as WebP, masks as lossless WebP,
the manifest, in the folder's own layout (hairmatte_train/pack.py). The trainer reads the pack like
the original folder:

  /usr/bin/python3 training/pack_data.py ../shared/data/hair runs/hair-pack     # 4,208 photos: ~28 MB
  /usr/bin/python3 training/train.py --data runs/hair-pack --arch hairmattenet --out runs/x ...

For an images/ + masks/ folder the source is named after the folder, and with it the seeded split:
give the pack the same last folder name, or pass --split OUTDIR/split.json of the earlier run.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train.pack import pack_folder  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", help="data folder (manifest.csv layout, or images/ + masks/)")
    p.add_argument("out", help="pack folder to create (must not exist)")
    p.add_argument("--size", type=int, default=256,
                   help="side in pixels: the trainer's preload size (256 for --size up to 224)")
    p.add_argument("--quality", type=int, default=80,
                   help="WebP quality of the photos (80: the shared set in ~28 MB; 85: ~34 MB)")
    a = p.parse_args(argv)
    try:
        info = pack_folder(a.data, a.out, a.size, a.quality, lambda m: print(m, file=sys.stderr, flush=True))
    except (OSError, ValueError) as e:
        p.error(str(e))
    print(f"wrote {a.out}: {info['count']} photos at {info['size']} px, {info['image_format']}, "
          f"{info['bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
