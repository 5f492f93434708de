"""schedules/gpu_all.sh --smoke: every phase of the GPU schedule, end to end on the CPU with tiny models."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

import _paths
from test_data import write_folder
from hairmatte_train.checkpoint import load_checkpoint
from hairmatte_train.model_file import read_model

SCRIPT = os.path.join(_paths.TRAINING, "schedules", "gpu_all.sh")


class GpuScheduleSmokeTest(unittest.TestCase):
    def test_smoke_run_returns_every_model(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, out = os.path.join(tmp, "mine"), os.path.join(tmp, "out")
            write_folder(data, 12)
            env = dict(os.environ, DATA=data, PY=sys.executable, OMP_NUM_THREADS="1")
            t0 = time.time()
            run = subprocess.run(["bash", SCRIPT, "--smoke", out], env=env, capture_output=True, text=True,
                                 timeout=180)
            seconds = time.time() - t0
            self.assertEqual(run.returncode, 0, run.stderr[-4000:])
            self.assertLess(seconds, 180)
            models = os.path.join(out, "models")
            expected = {"hairmattenet": ("hairmattenet", 16), "hairmattenet-tuned": ("hairmattenet", 16),
                        "hairsegnet": ("hairsegnet", 64), "table2-d16-w0": ("hairmattenet", 16),
                        "table2-d32-w0": ("hairmattenet", 32), "table2-d16-w0.5": ("hairmattenet", 16)}
            self.assertEqual(sorted(os.listdir(models)), sorted(f"{n}.{e}" for n in expected for e in ("hmm", "log")))
            for name, (arch, depth) in expected.items():
                header, _ = read_model(os.path.join(models, name + ".hmm"))
                self.assertEqual((header["arch"], header["depth"]), (arch, depth), name)
                recipe = header["metadata"]["recipe"]
                if name.startswith("table2"):
                    self.assertEqual(recipe["grad_weight"], 0.5 if name.endswith("w0.5") else 0.0)
            # Table II rows: the same number of steps each (T2_STEPS, 2 in the smoke run)
            for name in ("table2-d16-w0", "table2-d32-w0", "table2-d16-w0.5"):
                ck = load_checkpoint(os.path.join(out, name, "checkpoint.pt"))
                self.assertEqual(ck["state"]["global_step"], 2, name)
            with open(os.path.join(models, "hairmattenet-tuned.log")) as f:
                tuned = f.read()
            self.assertIn("every weight from", tuned)  # fine-tuned from the full recipe's best epoch
            self.assertIn("learning rate 0.3 (checkpoint) -> 0.2", tuned)  # second phase resumed at 0.2
            self.assertIn("EMA decay 0.999", tuned)
            with open(os.path.join(out, "schedule.log")) as f:
                log = f.read()
            self.assertIn("gpu_all finished: 0 job(s) failed", log)
            print(f"\ngpu_all.sh --smoke: {seconds:.1f} s", file=sys.stderr)

    def test_smoke_distill_job_prunes_and_distils(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, out = os.path.join(tmp, "mine"), os.path.join(tmp, "out")
            write_folder(data, 12)
            env = dict(os.environ, DATA=data, PY=sys.executable, OMP_NUM_THREADS="1", JOBS="distill")
            run = subprocess.run(["bash", SCRIPT, "--smoke", out], env=env, capture_output=True, text=True,
                                 timeout=180)
            self.assertEqual(run.returncode, 0, run.stderr[-4000:])
            models = os.path.join(out, "models")
            self.assertEqual(sorted(os.listdir(models)),
                             sorted(f"{n}.{e}" for n in ("kd-b16", "kd-b32", "kd-b32-a1") for e in ("hmm", "log")))
            for name in ("kd-b16", "kd-b32", "kd-b32-a1"):
                header, _ = read_model(os.path.join(models, name + ".hmm"))
                self.assertEqual((header["width_milli"], header["depth"]), (250, 8), name)
                with open(os.path.join(models, name + ".log")) as f:
                    self.assertIn("distilling from", f.read())
            self.assertIn("depth 8", run.stderr)  # prune.py's summary line

    def test_a_failed_phase_is_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, DATA=os.path.join(tmp, "nothing"), PY=sys.executable)
            run = subprocess.run(["bash", SCRIPT, "--smoke", os.path.join(tmp, "out")], env=env,
                                 capture_output=True, text=True, timeout=60)
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("FAILED preload", run.stderr)


if __name__ == "__main__":
    unittest.main()
