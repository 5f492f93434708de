#!/usr/bin/python3
"""A small quantised model and the quantiser's simulated int8 network's output on a few images, for
tests/node/int8-engine.test.mjs: the engine's int8 network must compute the same.

  /usr/bin/python3 tests/node/int8_reference.py OUTDIR ARCH WIDTH DEPTH SIZE

Writes OUTDIR/model.hmm (version 2, written by training/hairmatte_train/int8_file.py from a random float
model with realistic BatchNorm statistics, calibrated on 4 synthetic photos), OUTDIR/input.rgb (N
synthetic photos, SIZE x SIZE x 3 bytes each), OUTDIR/int8.f32 (P(hair) of quantize.int8_forward on the
file read back: the independent reference) and OUTDIR/float.f32 (the float model's, for scale). Exit 3
when torch is absent.
"""
import os
import sys

from torch_env import REPO  # exits 3 (the test skips) without torch/numpy; puts training/ on the path
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "training", "tests"))
from hairmatte_train import quantize as Q  # noqa: E402
from hairmatte_train.int8_file import quantized_model_from_tensors, write_int8_model  # noqa: E402
from hairmatte_train.model_file import folded_tensors, read_model  # noqa: E402
from test_model_file import randomised  # noqa: E402


def photos(n, size, seed):
    """Smooth random colour fields with noise, 0..255 (whole numbers), [n, 3, size, size]."""
    g = torch.Generator().manual_seed(seed)
    base = torch.rand(n, 3, 6, 6, generator=g) * 255
    x = F.interpolate(base, size=(size, size), mode="bilinear", align_corners=False)
    return torch.clamp(x + torch.randn(n, 3, size, size, generator=g) * 10, 0, 255).round()


def main(argv):
    out, arch, width, depth, size = argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    torch.set_num_threads(2)
    model = randomised(arch, width, depth, seed=7)
    tensors = folded_tensors(model)
    header = {"arch": arch, "width_milli": width, "depth": depth, "input_size": size}
    graph = Q.build_graph(arch, width, depth)
    calib, test = photos(4, size, 1), photos(3, size, 2)
    obs = Q.RangeObserver()
    with torch.no_grad():
        Q.float_forward(graph, tensors, calib / 127.5 - 1.0, obs)
        qm = Q.quantize_model(header, tensors, obs.ranges("percentile:99.99"), obs.channel_means())
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "model.hmm")
        write_int8_model(path, qm, size, {"test": "int8_reference.py"})
        back_header, back = read_model(path)  # the file's own values, not the in-memory model's
        qm_back = quantized_model_from_tensors(back_header, back)
        p_int8 = Q.hair_probability_from_logits(Q.int8_forward(qm_back, Q.input_to_q(test)))
        p_float = Q.hair_probability_from_logits(Q.float_forward(graph, tensors, test / 127.5 - 1.0))
    test.permute(0, 2, 3, 1).numpy().astype(np.uint8).tofile(os.path.join(out, "input.rgb"))
    p_int8[:, 0].numpy().astype("<f4").tofile(os.path.join(out, "int8.f32"))
    p_float[:, 0].numpy().astype("<f4").tofile(os.path.join(out, "float.f32"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
