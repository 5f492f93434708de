#!/usr/bin/python3
"""Write small engine-parity fixtures: for each architecture a random-weight model (alpha 0.25, decoder
depth 16, input 64, fp16 weights) as a .hmm file, a 64x64 RGB input and PyTorch's hair
probabilities for it. The engine's tests load the file, run the input and compare (1e-3 or better);
training/tests/test_parity_fixture.py checks the files still match what PyTorch computes.

  /usr/bin/python3 training/make_parity_fixture.py [OUTDIR]   (default training/fixtures)
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train.model_file import decode_model, encode_model, folded_tensors, model_from_tensors  # noqa: E402
from hairmatte_train.models import HairNet, hair_probability  # noqa: E402

SIZE, WIDTH, DEPTH = 64, 250, 16


def fixture_model(arch: str) -> HairNet:
    """Random weights with non-trivial BatchNorm and a head scaled so probabilities span (0, 1)."""
    torch.manual_seed(20190603 + len(arch))
    m = HairNet(arch, WIDTH, DEPTH)
    with torch.no_grad():
        for layer in m.enc.values():
            layer.bn.running_mean.normal_(0, 0.1)
            layer.bn.running_var.uniform_(0.5, 1.5)
            layer.bn.weight.uniform_(0.7, 1.3)
            layer.bn.bias.normal_(0, 0.1)
        # scale the head so that z1 - z0 on the fixture input has std 3 and mean 0: probabilities span (0, 1)
        x = torch.from_numpy(fixture_input().astype(np.float32)).permute(2, 0, 1)[None] / 127.5 - 1.0
        m.eval()
        z = m(x)
        diff = z[0, 1] - z[0, 0]
        m.head.weight[1] *= 3.0 / float(diff.std())
        m.head.bias[1] -= float((m(x)[0, 1] - m(x)[0, 0]).mean())
    return m.eval()


def fixture_input() -> np.ndarray:
    """64x64 RGB uint8: smooth gradients plus noise, deterministic."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    base = np.stack([x * 4, y * 4, (x + y) * 2], -1).astype(np.float64)
    return np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)


def expected(blob: bytes, rgb: np.ndarray) -> np.ndarray:
    """Probabilities computed from the file's own (folded) tensors, as the engine sees them."""
    header, tensors = decode_model(blob)
    model = model_from_tensors(header, tensors).double()
    x = torch.from_numpy(rgb.astype(np.float64)).permute(2, 0, 1)[None] / 127.5 - 1.0
    with torch.no_grad():
        return hair_probability(model(x))[0, 0].numpy()


def build(arch: str):
    blob = encode_model(arch, WIDTH, DEPTH, SIZE, folded_tensors(fixture_model(arch)),
                        {"purpose": "engine parity fixture (random weights)"}, "fp16")
    rgb = fixture_input()
    return blob, rgb, expected(blob, rgb)


def main(argv):
    out = argv[0] if argv else os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    os.makedirs(out, exist_ok=True)
    for arch in ("hairmattenet", "hairsegnet"):
        blob, rgb, prob = build(arch)
        with open(os.path.join(out, f"parity_{arch}.hmm"), "wb") as f:
            f.write(blob)
        with open(os.path.join(out, f"parity_{arch}.json"), "w") as f:
            json.dump({"arch": arch, "width": SIZE, "height": SIZE,
                       "note": "rgb: row-major HxWx3 uint8; probability: row-major HxW softmax(z)[1]",
                       "rgb": rgb.reshape(-1).tolist(),
                       "probability": [round(float(v), 7) for v in prob.reshape(-1)]}, f)
            f.write("\n")
        print(f"{arch}: {len(blob)} bytes, probability range {prob.min():.3f}..{prob.max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
