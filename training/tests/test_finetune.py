"""Fine-tuning a shipped model: --init, the optimiser warm-up, --ema (averaging.py), --memory-format."""
import os
import tempfile
import unittest
from types import SimpleNamespace

import torch

import _paths  # noqa: F401
from evaluate import load_any
from export import main as export_main
from test_data import write_folder
from hairmatte_train.averaging import WeightAverage
from hairmatte_train.checkpoint import load_checkpoint
from hairmatte_train.model_file import model_from_tensors, read_model, write_model
from hairmatte_train.models import HairNet
from hairmatte_train.trainer import init_from_model_file, main, param_groups, warm_up_optimiser


def small_net(seed: int = 0) -> HairNet:
    torch.manual_seed(seed)
    model = HairNet("hairmattenet", 250, 16)
    with torch.no_grad():  # BatchNorm away from the identity, so folding it is exercised
        for layer in model.enc.values():
            layer.bn.weight.uniform_(0.5, 1.5)
            layer.bn.bias.uniform_(-0.2, 0.2)
            layer.bn.running_mean.uniform_(-0.1, 0.1)
            layer.bn.running_var.uniform_(0.5, 2.0)
    return model.eval()


class WeightAverageTest(unittest.TestCase):
    def test_matches_the_recurrence_written_out(self):
        for ramp in (True, False):
            model = torch.nn.Linear(3, 2)
            average = WeightAverage(model, 0.9, ramp=ramp)
            expected = {k: v.detach().clone() for k, v in model.state_dict().items()}
            for n in range(30):
                with torch.no_grad():
                    for p in model.parameters():
                        p.add_(torch.randn_like(p))
                average.update(model)
                d = min(0.9, (1 + n) / (10 + n)) if ramp else 0.9
                for k, v in model.state_dict().items():
                    expected[k] = d * expected[k] + (1 - d) * v
            for k in expected:
                torch.testing.assert_close(average.shadow[k], expected[k])

    def test_without_ramp_the_start_keeps_its_weight(self):
        model = torch.nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            model.weight.fill_(1.0)
        average = WeightAverage(model, 0.99, ramp=False)
        with torch.no_grad():
            model.weight.fill_(0.0)
        for _ in range(10):
            average.update(model)
        self.assertAlmostEqual(float(average.shadow["weight"]), 0.99 ** 10, places=6)

    def test_applied_swaps_in_and_restores(self):
        model = torch.nn.Linear(3, 2)
        average = WeightAverage(model, 0.5)
        own = {k: v.clone() for k, v in model.state_dict().items()}
        with torch.no_grad():
            model.weight.fill_(7.0)
        average.update(model)
        live = {k: v.clone() for k, v in model.state_dict().items()}
        with average.applied(model):
            torch.testing.assert_close(model.weight, average.shadow["weight"])
            self.assertFalse(torch.equal(model.weight, live["weight"]))
        torch.testing.assert_close(model.weight, live["weight"])
        self.assertFalse(torch.equal(average.shadow["weight"], own["weight"]))

    def test_state_round_trip_and_bad_decay(self):
        model = torch.nn.Linear(2, 2)
        a = WeightAverage(model, 0.99)
        a.update(model)
        b = WeightAverage(torch.nn.Linear(2, 2), 0.5)
        b.load_state_dict(a.state_dict())
        self.assertEqual((b.decay, b.updates), (0.99, 1))
        torch.testing.assert_close(b.shadow["weight"], a.shadow["weight"])
        for bad in (0.0, 1.0, -0.1):
            with self.assertRaises(ValueError):
                WeightAverage(model, bad)


class InitTest(unittest.TestCase):
    def test_init_reproduces_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.hmm")
            source = small_net(1)
            write_model(path, source, 64, {}, "fp32")
            model = HairNet("hairmattenet", 250, 16)
            init_from_model_file(model, path)
            x = torch.rand(2, 3, 64, 64) * 2 - 1
            with torch.no_grad():
                torch.testing.assert_close(model.eval()(x), source(x), atol=1e-4, rtol=1e-4)
                torch.testing.assert_close(model(x), model_from_tensors(*read_model(path))(x))

    def test_init_refuses_another_architecture(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.hmm")
            write_model(path, small_net(), 64, {}, "fp16")
            for other in (HairNet("hairsegnet", 250, 16), HairNet("hairmattenet", 500, 16),
                          HairNet("hairmattenet", 250, 32)):
                with self.assertRaises(SystemExit) as err:
                    init_from_model_file(other, path)
                self.assertIn("but this run trains", str(err.exception))


class MemoryFormatTest(unittest.TestCase):
    def test_channels_last_computes_the_same_step(self):
        x = torch.rand(2, 3, 64, 64) * 2 - 1
        grads = []
        for fmt in (torch.contiguous_format, torch.channels_last):
            model = small_net(2).to(memory_format=fmt).train()
            out = model(x.contiguous(memory_format=fmt))
            out.square().mean().backward()
            grads.append((out.detach(), model.enc["pw3"].conv.weight.grad.clone(),
                          model.dec5.pw.weight.grad.clone()))
        for a, b in zip(*grads):
            torch.testing.assert_close(a.contiguous(), b.contiguous(), atol=1e-5, rtol=1e-4)


class WarmUpTest(unittest.TestCase):
    def test_fills_the_averages_without_moving_a_weight(self):
        model = small_net(3).train()
        before = {k: v.clone() for k, v in model.state_dict().items()}
        optimiser = torch.optim.Adadelta(param_groups(model, 2e-5), lr=0.3, rho=0.95, eps=1e-7)
        images = (torch.rand(6, 3, 80, 80) * 255).to(torch.uint8)
        masks = ((torch.rand(6, 80, 80) > 0.5) * 255).to(torch.uint8)
        args = SimpleNamespace(seed=1, optimiser_warmup=3, batch=2, size=64, augment="light", grad_weight=0.5)
        lines = []
        warm_up_optimiser(model, optimiser, images, masks, args, torch.contiguous_format, lines.append)
        for k, v in model.state_dict().items():
            self.assertTrue(torch.equal(v, before[k]), k)
        self.assertEqual([g["lr"] for g in optimiser.param_groups], [0.3, 0.3])
        state = optimiser.state[model.dec5.pw.weight]
        self.assertEqual(int(state["step"]), 3)
        self.assertGreater(float(state["square_avg"].abs().max()), 0.0)
        self.assertGreater(float(state["acc_delta"].abs().max()), 0.0)
        self.assertIn("3 batches", lines[0])


class FineTuneCommandTest(unittest.TestCase):
    def test_fine_tunes_a_model_file_and_exports_the_average(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, out, init = os.path.join(tmp, "mine"), os.path.join(tmp, "out"), os.path.join(tmp, "init.hmm")
            write_folder(data, 12)
            write_model(init, small_net(4), 64, {}, "fp32")
            common = ["--data", data, "--arch", "hairmattenet", "--out", out, "--size", "64", "--width", "250",
                      "--depth", "16", "--init", init, "--optimiser-warmup", "2", "--ema", "0.9",
                      "--steps-per-epoch", "2", "--batch", "2", "--cache-dir", os.path.join(tmp, "cache"),
                      "--threads", "1", "--val-per-source", "2"]
            self.assertEqual(main(common + ["--epochs", "1"]), 0)
            # epoch 1 is the best so far: best.pt holds that epoch's average as its model, not the live weights
            ck1 = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            best = load_checkpoint(os.path.join(out, "best.pt"))
            self.assertEqual(ck1["average"]["updates"], 2)
            for k, v in ck1["average"]["shadow"].items():
                torch.testing.assert_close(best["model"][k], v)
            self.assertFalse(torch.equal(best["model"]["dec5.pw.weight"], ck1["model"]["dec5.pw.weight"]))
            self.assertEqual(main(common + ["--epochs", "2", "--lr", "0.5"]), 0)  # resumes with the average
            ck = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            self.assertEqual((ck["state"]["global_step"], ck["average"]["updates"]), (4, 4))
            with open(os.path.join(out, "train.log")) as f:
                log = f.read()
            self.assertEqual(log.count("optimiser warmed up"), 1)  # not again on resume
            self.assertIn("every weight from", log)
            self.assertIn("learning rate 1 (checkpoint) -> 0.5", log)
            best = load_checkpoint(os.path.join(out, "best.pt"))
            self.check_export_of_the_checkpoint(out, ck)
            exported = model_from_tensors(*read_model(os.path.join(out, "hairmattenet.hmm")))
            model = HairNet("hairmattenet", 250, 16)
            model.load_state_dict(best["model"])
            x = torch.rand(1, 3, 64, 64) * 2 - 1
            with torch.no_grad():
                torch.testing.assert_close(exported(x), model.eval()(x), atol=2e-2, rtol=1e-2)


    def check_export_of_the_checkpoint(self, out, ck):
        # export.py on checkpoint.pt of an --ema run writes its average; --live the last step's weights
        x = torch.rand(1, 3, 64, 64) * 2 - 1
        outputs = {}
        for flags, weights in (([], ck["average"]["shadow"]), (["--live"], ck["model"])):
            path = os.path.join(out, f"export{len(flags)}.hmm")
            export_main([os.path.join(out, "checkpoint.pt"), path, "--dtype", "fp32"] + flags)
            model = HairNet("hairmattenet", 250, 16)
            model.load_state_dict(weights)
            with torch.no_grad():
                outputs[len(flags)] = model_from_tensors(*read_model(path))(x)
                torch.testing.assert_close(outputs[len(flags)], model.eval()(x), atol=1e-4, rtol=1e-4)
        self.assertFalse(torch.allclose(outputs[0], outputs[1]))
        model, size = load_any(os.path.join(out, "checkpoint.pt"), 0)  # evaluate.py reads the average too
        self.assertEqual(size, 64)
        torch.testing.assert_close(model.state_dict()["dec5.pw.weight"], ck["average"]["shadow"]["dec5.pw.weight"])


    def test_bad_options_are_rejected(self):
        base = ["--data", "x", "--arch", "hairmattenet", "--out", "y"]
        for bad in (["--init", "/nonexistent/model.hmm"], ["--ema", "1.0"], ["--ema", "-0.5"],
                    ["--optimiser-warmup", "-1"]):
            with self.assertRaises(SystemExit, msg=str(bad)):
                main(base + bad)


if __name__ == "__main__":
    unittest.main()
