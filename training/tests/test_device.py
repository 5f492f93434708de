"""Device-correct training without a GPU: the batch goes to PyTorch's 'meta' device (shapes only, no data,
present in every CPU build), and DeviceRecorder checks every tensor each torch op receives. A tensor made
on the CPU and mixed with the batch (the failure `--device cuda` would meet on its first step) is caught
at that op, with its name. 0-dim CPU tensors are let through: CUDA ops take them as scalars too.

PyTorch 1.13 has no meta kernel for the 2-D cross-entropy (nll_loss2d) nor for convolution backward, so
the recorder computes the cross-entropy from ops that have one (same arguments checked first), and the
optimiser step is run on gradients set by hand (autograd's backward is PyTorch's own code, not ours)."""
import os
import re
import unittest

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

import _paths
from hairmatte_train.augment import PRESETS, augment_batch, normalise, resize_batch
from hairmatte_train.averaging import WeightAverage
from hairmatte_train.losses import hair_loss
from hairmatte_train.models import HairNet
from hairmatte_train.trainer import param_groups

META = torch.device("meta")


class DeviceMixError(AssertionError):
    pass


def tensors_in(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from tensors_in(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from tensors_in(x)


# Ops whose purpose is to move data between devices (x.to(y) takes y's device and dtype).
TRANSFERS = {torch.Tensor.to, torch.Tensor.copy_, torch.Tensor.type_as}


class DeviceRecorder(TorchFunctionMode):
    """Fails at the first torch op (transfers aside) whose tensor arguments are on two devices; counts the
    ops it saw and the devices they ran on."""

    def __init__(self):
        super().__init__()
        self.ops, self.devices = 0, set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        devices = {t.device for t in tensors_in((args, kwargs)) if not (t.device.type == "cpu" and t.dim() == 0)}
        name = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
        if len(devices) > 1 and func not in TRANSFERS:
            raise DeviceMixError(f"{name} received tensors on {sorted(str(d) for d in devices)}")
        self.ops += 1
        self.devices |= devices
        try:
            return func(*args, **kwargs)
        except NotImplementedError:
            if func is not F.cross_entropy:
                raise
            logits, target = args[0], args[1]  # the 2-class mean cross-entropy, from meta-capable ops
            return -torch.log_softmax(logits, 1).gather(1, target[:, None]).mean()


def meta_batch(n=4, res=96):
    return (torch.empty(n, 3, res, res, dtype=torch.uint8, device=META),
            torch.empty(n, res, res, dtype=torch.uint8, device=META))


class RecorderTest(unittest.TestCase):
    def test_catches_a_cpu_tensor_mixed_with_the_batch(self):
        images, _ = meta_batch()
        with self.assertRaisesRegex(DeviceMixError, "cpu.*meta"):
            with DeviceRecorder():
                images.float() * torch.rand(4, 1, 1, 1)

    def test_lets_cpu_scalars_through(self):
        images, _ = meta_batch()
        with DeviceRecorder() as rec:
            images.float() * torch.tensor(2.0)
            torch.tensor([1.0, 2.0]).to(images.device)
        self.assertEqual(rec.devices, {META, torch.device("cpu")})


class DeviceTest(unittest.TestCase):
    def test_augmentation_stays_on_the_batch_device(self):
        images, masks = meta_batch()
        for preset, cfg in sorted(PRESETS.items()):
            with self.subTest(preset=preset), DeviceRecorder() as rec:
                img, mask = augment_batch(images, masks, 64, torch.Generator().manual_seed(3), cfg)
                self.assertEqual((img.device, mask.device), (META, META))
                self.assertEqual((tuple(img.shape), tuple(mask.shape)), ((4, 3, 64, 64), (4, 64, 64)))
                img, mask = resize_batch(images, masks, 64)
                self.assertEqual((img.device, mask.device), (META, META))
            self.assertGreater(rec.ops, 20)

    def test_forward_loss_and_optimiser_step_stay_on_the_batch_device(self):
        for arch, grad_weight in (("hairmattenet", 0.5), ("hairsegnet", 0.0)):
            with self.subTest(arch=arch):
                model = HairNet(arch, 250, 16).to(META, memory_format=torch.channels_last).train()
                optimiser = torch.optim.Adadelta(param_groups(model, 2e-5), lr=1.0, rho=0.95, eps=1e-7)
                average = WeightAverage(model, 0.99)
                images, masks = meta_batch()
                with DeviceRecorder() as rec:
                    img, mask = augment_batch(images, masks, 64, torch.Generator().manual_seed(1), PRESETS["full"])
                    logits = model(normalise(img).contiguous(memory_format=torch.channels_last))
                    loss, ce, lc = hair_loss(logits, mask, img, grad_weight)
                    self.assertEqual({loss.device, ce.device, lc.device}, {META})
                    for p in model.parameters():
                        p.grad = torch.ones_like(p)
                    optimiser.step()
                    average.update(model)
                self.assertIn(META, rec.devices)
                state = [t for s in optimiser.state.values() for t in s.values() if isinstance(t, torch.Tensor)]
                for t in list(model.parameters()) + list(average.shadow.values()) + state:
                    self.assertTrue(t.device == META or t.dim() == 0, t.shape)


class CheckpointLoadTest(unittest.TestCase):
    def test_every_torch_load_says_what_it_loads(self):
        # PyTorch 2.6+ defaults to weights_only=True, which refuses our checkpoints (they hold the run's
        # arguments and history): every torch.load in training/ passes weights_only and map_location.
        calls = []
        for folder, _, files in os.walk(_paths.TRAINING):
            for name in files:
                if name.endswith(".py") and name != os.path.basename(__file__):
                    with open(os.path.join(folder, name)) as f:
                        text = f.read()
                    calls += [(name, m.group(0)) for m in re.finditer(r"torch\.load\([^)]*\)", text)]
        self.assertTrue(calls)
        for name, call in calls:
            self.assertIn("weights_only=", call, f"{name}: {call}")
            self.assertIn("map_location=", call, f"{name}: {call}")


if __name__ == "__main__":
    unittest.main()
