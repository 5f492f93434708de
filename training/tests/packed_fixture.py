#!/usr/bin/python3
"""A codebook-packed (version 3) model file and its plain (version 2) twin, made from a real int8 model by
snapping the weights of its largest convolutions to 16 levels per layer (docs/model-format.md).

  /usr/bin/python3 training/tests/packed_fixture.py SRC.hmm OUTDIR [LAYERS]

Writes OUTDIR/plain.hmm and OUTDIR/packed.hmm (the same int8 network: only the storage differs) and prints
JSON {"plain": bytes, "packed": bytes, "snapped_layers": [...], "packed_layers": [...], "weights_packed": n}.
LAYERS: how many of the largest convolution weights to snap (default 4; "all" snaps every one). The packed
layers are the snapped ones plus any that SRC already restricts to 16 values (the shipped model's codebook
layers). The snapped network computes
something else than SRC (the levels are uniform, not trained): it is a format fixture, not a model.
Used by training/tests/test_packed_weights.py and tests/node/packed-weights.test.mjs.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hairmatte_train.int8_file import encode_int8_model, quantized_model_from_tensors  # noqa: E402
from hairmatte_train.model_file import decode_model, read_model  # noqa: E402


def snap_to_levels(weight: np.ndarray, levels: int = 16) -> np.ndarray:
    """Each weight moved to the nearest of `levels` integers spread uniformly over the layer's range
    (duplicates after rounding merge, so at most `levels` distinct values), in -127..127."""
    lo, hi = int(weight.min()), int(weight.max())
    grid = np.unique(np.round(np.linspace(lo, hi, levels)).astype(np.int64))
    nearest = np.abs(weight.astype(np.int64)[..., None] - grid).argmin(axis=-1)
    return grid[nearest].astype(np.int8)


def make_fixture(src: str, layers="4"):
    """(plain bytes, packed bytes, names of the snapped weights, names of the packed weights in file order)."""
    header, tensors = read_model(src)
    qm = quantized_model_from_tensors(header, tensors)
    convs = sorted(qm.convs, key=lambda n: -qm.convs[n].weight.size)
    chosen = convs if layers == "all" else convs[:int(layers)]
    for name in chosen:
        qm.convs[name].weight = snap_to_levels(qm.convs[name].weight)
    size, meta = header["input_size"], dict(header["metadata"], fixture="packed_fixture.py")
    plain, packed = encode_int8_model(qm, size, meta, pack="never"), encode_int8_model(qm, size, meta, pack="auto")
    return plain, packed, [n + ".weight" for n in chosen], decode_model(packed)[0]["packed"]


def main(argv):
    src, out = argv[0], argv[1]
    plain, packed, snapped, names = make_fixture(src, argv[2] if len(argv) > 2 else "4")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "plain.hmm"), "wb") as f:
        f.write(plain)
    with open(os.path.join(out, "packed.hmm"), "wb") as f:
        f.write(packed)
    _, back = read_model(os.path.join(out, "packed.hmm"))
    print(json.dumps({"plain": len(plain), "packed": len(packed), "snapped_layers": snapped, "packed_layers": names,
                      "weights_packed": int(sum(back[n].size for n in names))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
