#!/usr/bin/python3
"""Train HairMatteNet or HairSegNet: `npm run train -- --data DIR --arch ARCH --out OUTDIR` (see --help)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train.trainer import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
