#!/usr/bin/python3
"""Seed files of quantised models for the model-reader fuzzer (tests/fuzz/native/run.sh): for each
architecture a small int8 model (depth 16, width 250, input 32) written plain (version 2) and with every
weight that allows it codebook-packed (version 3), by training/hairmatte_train/int8_file.py. Each seed is
the fuzzer's flag byte 1 (rewrite the CRC) followed by the file.

  /usr/bin/python3 tests/fuzz/native/int8_seeds.py OUTDIR
Exit 3 when numpy/torch are absent (run.sh then fuzzes the float seeds only).
"""
import os
import sys

try:
    import numpy as np
    REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    sys.path.insert(0, os.path.join(REPO, "training"))
    from hairmatte_train.int8_file import encode_int8_model, int8_tensor_specs, quantized_model_from_tensors
except ImportError as e:
    print(f"int8 seeds skipped: {e}", file=sys.stderr)
    sys.exit(3)


def random_int8_tensors(arch, rng):
    """Valid values: weights on 12 levels in -127..127, positive scales that keep every add in range."""
    levels = np.array([-127, -90, -60, -33, -12, -3, 0, 4, 15, 40, 77, 127], np.int8)
    out = {}
    for name, (shape, code) in int8_tensor_specs(arch, 250, 16).items():
        if name.endswith(".weight"):
            out[name] = levels[rng.integers(0, len(levels), size=shape)]
        elif name.endswith(".weight_scale"):
            out[name] = (0.001 + 0.002 * rng.random(shape)).astype(np.float32)
        elif name.endswith(".bias"):
            out[name] = rng.integers(-500, 500, size=shape).astype(np.int32)
        elif name.endswith(".output_scale"):
            out[name] = np.array([0.03 + 0.02 * rng.random()], np.float32)
        else:
            out[name] = rng.integers(-20, 20, size=shape).astype(np.int32)
    return out


def main(out):
    rng = np.random.default_rng(3)
    for arch in ("hairsegnet", "hairmattenet"):
        header = {"arch": arch, "width_milli": 250, "depth": 16, "input_size": 32}
        qm = quantized_model_from_tensors(header, random_int8_tensors(arch, rng))
        for kind, pack in (("int8", "never"), ("int8-packed", "auto")):
            blob = encode_int8_model(qm, 32, {"seed": "int8_seeds.py"}, pack=pack)
            with open(os.path.join(out, f"{arch}-{kind}"), "wb") as f:
                f.write(b"\x01" + blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
