#!/usr/bin/python3
"""Export a training checkpoint to a .hmm model file (fp16 by default), e.g. an epoch picked on the full
validation split rather than the trainer's per-epoch subset:

  /usr/bin/python3 training/export.py runs/x/checkpoint.pt runs/x/picked.hmm [--dtype fp32] [--selected-by TEXT]

The recipe recorded in the file is the checkpoint's own (the arguments of the run that saved it). A
checkpoint of a run with --ema exports its weight average (what that run validated); --live exports the
weights of its last step instead.
"""
import argparse
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train.checkpoint import load_checkpoint  # noqa: E402
from hairmatte_train.export import export_checkpoint  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="checkpoint.pt / best.pt written by training/train.py")
    p.add_argument("output", help=".hmm file to write")
    p.add_argument("--dtype", default="fp16", choices=["fp16", "fp32"])
    p.add_argument("--live", action="store_true",
                   help="with a checkpoint of an --ema run: the last step's weights, not the average")
    p.add_argument("--selected-by", default=None, help="how this checkpoint was chosen (stored in the file)")
    a = p.parse_args(argv)
    if not os.path.exists(a.checkpoint):
        p.error(f"checkpoint {a.checkpoint} not found")
    try:
        ck = load_checkpoint(a.checkpoint)
    except Exception as e:  # a .hmm file, a truncated download, ...: pickle's own error names no file
        p.error(f"{a.checkpoint} is not a train.py checkpoint ({type(e).__name__}: {e})")
    missing = [k for k in ("arch", "width", "depth", "model", "state", "args") if k not in ck] \
        if isinstance(ck, dict) else ["everything: not a dict"]
    if missing:
        p.error(f"{a.checkpoint} is not a train.py checkpoint (missing {', '.join(missing)})")
    n = export_checkpoint(ck, a.output, ck["args"]["size"], ck["args"], a.dtype, a.selected_by, a.live)
    which = "weight average" if "average" in ck and not a.live else "weights"
    print(f"wrote {a.output} ({n} bytes, {a.dtype}) from the {which} of epoch {ck['state']['epoch']}, "
          f"step {ck['state']['global_step']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
