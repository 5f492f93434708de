#!/usr/bin/python3
"""PyTorch's hair probabilities for a model file and an RGB image, for tests/node/probability.test.mjs.

  /usr/bin/python3 tests/node/torch_probability.py MODEL.hmm WIDTH HEIGHT < rgb-bytes > float32-bytes

stdin: N images of WIDTH * HEIGHT * 3 bytes (row-major RGB), one after the other; stdout: for each,
WIDTH * HEIGHT little-endian float32, softmax(z)[1] of the network described by the file's own tensors
(decoded by training/hairmatte_train/model_file.py; float32, whose rounding is ~1e-6, far below the 1e-3
of the test, and many times faster than float64 on the CPU), on the image normalised as the engine does
(x / 127.5 - 1). Exit 3 when torch is absent.
"""
import sys

import torch_env  # noqa: F401  exits 3 (the test skips) without torch/numpy; puts training/ on the path
import numpy as np  # noqa: E402
import torch  # noqa: E402
from hairmatte_train.model_file import model_from_tensors, read_model  # noqa: E402
from hairmatte_train.models import hair_probability  # noqa: E402


def main(argv):
    path, width, height = argv[0], int(argv[1]), int(argv[2])
    rgb = np.frombuffer(sys.stdin.buffer.read(), np.uint8)
    if rgb.size == 0 or rgb.size % (width * height * 3):
        raise SystemExit(f"expected a multiple of {width * height * 3} bytes of RGB on stdin, got {rgb.size}")
    header, tensors = read_model(path)
    model = model_from_tensors(header, tensors)
    x = torch.from_numpy(rgb.reshape(-1, height, width, 3).astype(np.float32)).permute(0, 3, 1, 2) / 127.5 - 1.0
    torch.set_num_threads(2)
    with torch.no_grad():
        prob = hair_probability(model(x))[:, 0].numpy().astype("<f4")
    sys.stdout.buffer.write(prob.tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
