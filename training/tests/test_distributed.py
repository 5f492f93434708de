"""2 processes (gloo, CPU) train the same steps as one process with the same global batch.

The ranks are started here with the environment torchrun gives them (RANK, LOCAL_RANK, WORLD_SIZE,
MASTER_ADDR, MASTER_PORT): Debian's torchrun (PyTorch 1.13) fails before starting any worker under
Python 3.11 (its default `--redirects 0` parses to None: Python 3.11's Flag enums no longer iterate over
their zero member). On PyTorch 2.x, torchrun itself works."""
import os
import socket
import subprocess
import sys
import tempfile
import unittest

import torch

import _paths
from test_data import write_folder
from hairmatte_train.checkpoint import load_checkpoint
from hairmatte_train.distributed import Ranks, wrap
from hairmatte_train.models import HairNet
from hairmatte_train.trainer import main

TRAIN_PY = os.path.join(_paths.TRAINING, "train.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ranks(argv, world: int = 2, timeout: int = 300):
    """(return codes, stderr of each rank) of `train.py argv` started as `world` ranks on this machine."""
    port = free_port()
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world),
                   LOCAL_WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port),
                   OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo")
        procs.append(subprocess.Popen([sys.executable, TRAIN_PY] + argv, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True))
    try:
        errors = [p.communicate(timeout=timeout)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return [p.returncode for p in procs], errors


class DataParallelTest(unittest.TestCase):
    def test_two_processes_match_one_with_the_same_global_batch(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "mine")
            write_folder(data, 14)
            # 2 epochs of 1 step: the first with encoder blocks 0..3 frozen, so the DDP wrapper is rebuilt when
            # they thaw; a weight average; the same seed (initial weights, order, augmentation). Only the first
            # steps compare to float tolerance: from a random start, Adadelta amplifies rounding (one process
            # with 2 threads instead of 1, or NCHW instead of channels-last, is 6e-5 away after 3 steps;
            # here, 2 steps: under 1e-6).
            common = ["--data", data, "--arch", "hairmattenet", "--size", "64", "--width", "250", "--depth", "16",
                      "--weights", "none", "--batch", "4", "--epochs", "2", "--steps-per-epoch", "1",
                      "--freeze-upto", "3", "--freeze-epochs", "1", "--ema", "0.9", "--val-per-source", "2",
                      "--cache-dir", os.path.join(tmp, "cache"), "--threads", "1", "--seed", "5"]
            one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
            self.assertEqual(main(common + ["--out", one]), 0)
            codes, errors = run_ranks(common + ["--out", two])
            self.assertEqual(codes, [0, 0], "\n".join(e[-3000:] for e in errors))
            a, b = load_checkpoint(os.path.join(one, "checkpoint.pt")), load_checkpoint(os.path.join(two, "checkpoint.pt"))
            self.assertEqual((a["state"]["global_step"], b["state"]["global_step"]), (2, 2))
            for k, v in a["model"].items():
                torch.testing.assert_close(b["model"][k], v, atol=1e-5, rtol=1e-4, msg=k)
                torch.testing.assert_close(b["average"]["shadow"][k], a["average"]["shadow"][k], atol=1e-5,
                                           rtol=1e-4, msg=k)
            moved = max(float((v - load_checkpoint(os.path.join(one, "best.pt"))["model"][k]).abs().max())
                        for k, v in a["model"].items() if v.dtype.is_floating_point)
            self.assertGreater(moved, 1e-4)  # the weights moved in step 2 (not a vacuous match)
            for ha, hb in zip(a["state"]["history"], b["state"]["history"]):
                self.assertAlmostEqual(ha["train_loss"], hb["train_loss"], places=4)
                self.assertAlmostEqual(ha["val"]["mean_iou"], hb["val"]["mean_iou"], places=4)
            with open(os.path.join(two, "train.log")) as f:
                log = f.read()
            self.assertIn("data-parallel over 2 processes (cpu): 2 of each batch of 4 each", log)
            self.assertEqual(log.count(" args {"), 1)  # rank 0 alone logs
            self.assertTrue(os.path.exists(os.path.join(two, "hairmattenet.hmm")))

    def test_global_batch_must_split_evenly(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "mine")
            write_folder(data, 6)
            codes, errors = run_ranks(["--data", data, "--arch", "hairsegnet", "--out", os.path.join(tmp, "o"),
                                       "--batch", "3", "--weights", "none"], timeout=120)
            self.assertEqual(codes, [1, 1])
            self.assertIn("--batch 3 (the global batch) must be a multiple of the 2 processes", errors[0])

    def test_training_batchnorm_is_refused(self):
        # Per-rank BatchNorm statistics would differ from the global batch's: refused before DDP is built
        # (so no process group is needed here). The trainer's model keeps its encoder BatchNorm in eval.
        model = HairNet("hairsegnet", 250, 16).train()
        self.assertFalse(any(m.training for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)))
        model.freeze_encoder_bn = False
        with self.assertRaisesRegex(SystemExit, "BatchNorm in training mode under DDP"):
            wrap(model.train(), Ranks(rank=0, world=2), torch.device("cpu"))
        self.assertIs(wrap(model, Ranks(), torch.device("cpu")), model)  # one process: the model itself


if __name__ == "__main__":
    unittest.main()
