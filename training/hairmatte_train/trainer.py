"""The training recipe (paper): Adadelta lr 1.0, rho 0.95, eps 1e-7; L2 2e-5 on convolution
weights (not depthwise, not the head); batch 4; loss CE + w * L_C; best epoch on validation IoU.

CPU-friendly extras (all optional): the first --low-epochs epochs at --low-size, the encoder blocks
0..--freeze-upto frozen for the first --freeze-epochs epochs, shorter epochs (--steps-per-epoch) so
that validation and best-keeping happen more often. Resumes from OUTDIR/checkpoint.pt.

Started by torchrun with N processes it trains data-parallel (distributed.py): --batch stays the global
batch, each process takes 1/N of it, rank 0 logs, validates, saves and exports.
"""
import argparse
import contextlib
import json
import math
import os
import sys
import time
from typing import Dict, List

import numpy as np
import torch

from . import architecture as A
from . import distributed
from .averaging import WeightAverage
from .checkpoint import load_checkpoint
from .augment import PRESETS, augment_batch, normalise, resize_batch
from .data import list_samples, load_or_create_split, preload, select
from .losses import distilled_loss, gradient_consistency, hair_loss
from .metrics import image_metrics, mean_metrics
from .export import export_checkpoint
from .model_file import model_from_tensors, read_model
from .models import HairNet, hair_probability
from .pretrained import load_encoder

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.join(REPO, "..", "shared")
DEFAULT_WEIGHTS = os.path.join(SHARED, "weights", "mobilenet_v1_1.0_224_imagenet")
DEFAULT_SPLIT = os.path.join(REPO, "training", "splits", "hair_split.json")


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="npm run train --", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="hair data folder (manifest.csv layout, or images/ + masks/)")
    p.add_argument("--arch", required=True, choices=sorted(A.ARCH_IDS))
    p.add_argument("--out", required=True, help="output folder: checkpoint, log, <arch>.hmm")
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps in total")
    p.add_argument("--size", type=int, default=224, help="training input size (multiple of 32)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=1.0,
                   help="Adadelta learning rate (paper: 1.0); on resume it replaces the checkpoint's")
    p.add_argument("--weight-decay", type=float, default=2e-5)
    p.add_argument("--grad-weight", type=float, default=None,
                   help="w of L_C (default 0.5 for hairmattenet, 0 for hairsegnet)")
    p.add_argument("--width", type=int, default=1000, help="encoder width in thousandths")
    p.add_argument("--depth", type=int, default=64, help="decoder depth")
    p.add_argument("--weights", default=DEFAULT_WEIGHTS,
                   help="ImageNet MobileNet-v1 folder (TF.js layers), or 'none' for a random encoder")
    p.add_argument("--init", default=None,
                   help="fine-tune from a .hmm model file (e.g. models/hairmattenet.hmm): every weight from it "
                        "instead of --weights; only used when OUTDIR has no checkpoint yet")
    p.add_argument("--teacher", default=None,
                   help="distil from this .hmm model (e.g. models/hairmattenet.hmm when training a narrower one "
                        "from training/prune.py's cut): its softmax replaces the mask in --distill of the "
                        "cross-entropy (losses.distilled_loss)")
    p.add_argument("--distill", type=float, default=0.7,
                   help="with --teacher: the fraction alpha of the cross-entropy taken against the teacher")
    p.add_argument("--optimiser-warmup", type=int, default=50,
                   help="with --init: batches whose gradients only fill Adadelta's running averages (the "
                        "model does not move) before training starts")
    p.add_argument("--ema", type=float, default=0.0,
                   help="keep an exponential moving average of the weights with this decay (e.g. 0.999) and "
                        "validate, keep and export it instead of the last step's weights (averaging.py)")
    p.add_argument("--split", default=None, help="split file (default: training/splits/hair_split.json for "
                                                   "the shared set, OUTDIR/split.json otherwise)")
    p.add_argument("--val-fraction", type=float, default=0.12)
    p.add_argument("--low-size", type=int, default=0, help="input size of the first --low-epochs epochs")
    p.add_argument("--low-epochs", type=int, default=0)
    p.add_argument("--freeze-upto", type=int, default=-1, help="freeze encoder blocks 0..K at first")
    p.add_argument("--freeze-epochs", type=int, default=0)
    p.add_argument("--time-budget", type=float, default=0.0,
                   help="minutes of training wall time (summed over resumes); then validate, export, stop")
    p.add_argument("--low-until", type=float, default=0.75,
                   help="with --time-budget and --low-size: fraction of the budget trained at --low-size")
    p.add_argument("--steps-per-epoch", type=int, default=0, help="0 = one pass over the training set")
    p.add_argument("--val-per-source", type=int, default=100, help="validation images per source each epoch")
    p.add_argument("--ckpt-every", type=int, default=200, help="save the checkpoint every N steps")
    p.add_argument("--augment", default="full", choices=sorted(PRESETS),
                   help="augmentation strength (augment.py): full, light, or flip (the paper's)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--memory-format", default="channels_last", choices=["channels_last", "contiguous"],
                   help="activation layout: channels_last runs a CPU training step of HairMatteNet about 2x "
                        "faster (oneDNN) than contiguous NCHW; same results")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache-dir", default=os.path.join(REPO, "runs", "cache"))
    p.add_argument("--dtype", default="fp16", choices=["fp16", "fp32"], help="exported weight type")
    p.add_argument("--preload-only", action="store_true",
                   help="write the preload cache (--cache-dir) and stop: run once before several concurrent "
                        "runs on the same data, so they do not all build it")
    a = p.parse_args(argv)
    for s in (a.size, a.low_size):
        if s and (s <= 0 or s % 32):
            p.error(f"sizes must be positive multiples of 32, got {s}")
    if a.init and not os.path.isfile(a.init):
        p.error(f"--init {a.init}: no such model file")
    if a.teacher and not os.path.isfile(a.teacher):
        p.error(f"--teacher {a.teacher}: no such model file")
    if not 0.0 <= a.distill <= 1.0:
        p.error(f"--distill must be in [0, 1], got {a.distill:g}")
    if not 0.0 <= a.ema < 1.0:
        p.error(f"--ema must be a decay in [0, 1) (0 = off), got {a.ema:g}")
    if a.optimiser_warmup < 0:
        p.error(f"--optimiser-warmup must be >= 0, got {a.optimiser_warmup}")
    if a.grad_weight is None:
        a.grad_weight = 0.5 if a.arch == "hairmattenet" else 0.0
    if a.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda but torch sees no CUDA device")
    return a


class Logger:
    """To the terminal and `path`; with path None (ranks other than 0) it writes nothing."""

    def __init__(self, path):
        self.f = open(path, "a") if path else None

    def close(self) -> None:
        if self.f:
            self.f.close()

    def __call__(self, msg: str) -> None:
        if not self.f:
            return
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        self.f.write(line + "\n")
        self.f.flush()


def param_groups(model: HairNet, weight_decay: float):
    """L2 on full convolution weights only: encoder conv0/pw, decoder skip/pw; not depthwise, not the
    head, not biases or BatchNorm."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        is_conv_weight = name.endswith("conv.weight") or (name.startswith("dec") and name.endswith(".weight"))
        is_depthwise = ".dw" in name or name.startswith("enc.dw")
        (decay if is_conv_weight and not is_depthwise else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def init_from_model_file(model: HairNet, path: str) -> None:
    """Copies every tensor of the .hmm file at `path` into `model` (same architecture, width and depth).
    The file's encoder BatchNorm is folded into the convolutions, so the model's BatchNorm becomes the
    identity carrying the folded bias (model_file.model_from_tensors); its statistics stay frozen."""
    header, tensors = read_model(path)
    have = (header["arch"], header["width_milli"], header["depth"])
    want = (model.arch, model.width_milli, model.depth)
    if have != want:
        raise SystemExit(f"--init {path} is {have[0]} width {have[1] / 1000:g} depth {have[2]}, "
                         f"but this run trains {want[0]} width {want[1] / 1000:g} depth {want[2]}")
    model.load_state_dict(model_from_tensors(header, tensors).state_dict())


def train_step(model: HairNet, optimiser, images, masks, size: int, args, fmt, gen: torch.Generator,
               first: int = 0, total: int = 0, teacher=None):
    """One optimiser step on a batch of preloaded uint8 images and masks, augmented at `size`; returns the
    loss and its two terms (L = L_M + w L_C). Under DDP the batch is rows first.. of a global batch of
    `total` (augment_batch) and `model` the DDP wrapper. With a `teacher` network the loss is distilled
    (losses.distilled_loss)."""
    img, mask = augment_batch(images, masks, size, gen, PRESETS[args.augment], first, total)
    x = normalise(img).contiguous(memory_format=fmt)
    if teacher is None:
        loss, ce, lc = hair_loss(model(x), mask, img, args.grad_weight)
    else:
        with torch.no_grad():
            target = torch.softmax(teacher(x), dim=1)
        loss, ce, lc = distilled_loss(model(x), mask, img, args.grad_weight, target, args.distill)
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    return loss, ce, lc


def warm_up_optimiser(model: HairNet, optimiser, images, masks, args, fmt, log, ranks=None, teacher=None) -> None:
    """Fresh Adadelta state on a trained model: its first steps are sign-like (the squared-gradient
    average starts at 0, so |update| ~ lr * sqrt(eps) * 4.5 on every weight at once), which knocks a
    converged model off its optimum. A few batches at learning rate 0 fill both running averages
    (Zeiler 2012, Alg. 1: E[g^2] and E[dx^2] are updated whatever the rate) without moving a weight."""
    rates = [group["lr"] for group in optimiser.param_groups]
    for group in optimiser.param_groups:
        group["lr"] = 0.0
    ranks = ranks or distributed.Ranks()
    local = args.batch // ranks.world
    first = ranks.rank * local
    gen = torch.Generator().manual_seed(args.seed * WARMUP_SEED)
    for _ in range(args.optimiser_warmup):
        idx = torch.randint(images.shape[0], (args.batch,), generator=gen)[first:first + local].to(images.device)
        train_step(model, optimiser, images[idx], masks[idx], args.size, args, fmt, gen, first, args.batch, teacher)
    for group, rate in zip(optimiser.param_groups, rates):
        group["lr"] = rate
    log(f"optimiser warmed up on {args.optimiser_warmup} batches at learning rate 0")


def memory_format(name: str) -> torch.memory_format:
    return torch.channels_last if name == "channels_last" else torch.contiguous_format


def store_size(size: int) -> int:
    """Preload resolution: a margin above the training size for zoom-in augmentation."""
    return max(256, (size + size // 8 + 31) // 32 * 32)


@torch.no_grad()
def validate(model: HairNet, images, masks, sources: List[str], size: int, device, batch: int = 8,
             fmt: torch.memory_format = torch.contiguous_format) -> Dict:
    """Per-source means of the metrics on preloaded images, predicting at size x size and comparing
    at the preload resolution; also the gradient-consistency loss (Eq. 1) of the soft matte."""
    model.eval()
    rows: Dict[str, list] = {}
    for i in range(0, len(images), batch):
        img_u8 = torch.from_numpy(images[i:i + batch]).to(device)
        img, _ = resize_batch(img_u8, torch.from_numpy(masks[i:i + batch]).to(device), size)
        prob = hair_probability(model(normalise(img).contiguous(memory_format=fmt)))
        prob = torch.nn.functional.interpolate(prob, size=img_u8.shape[-2:], mode="bilinear", align_corners=False)
        lc = gradient_consistency(prob, img_u8.float())
        for j in range(prob.shape[0]):
            m = image_metrics(prob[j, 0].cpu().numpy(), masks[i + j] >= 128)
            m["grad_consistency"] = float(lc[j])
            rows.setdefault(sources[i + j], []).append(m)
    model.train()
    per_source = {s: mean_metrics(r) for s, r in sorted(rows.items())}
    per_source["mean_iou"] = float(np.mean([v["iou"] for v in per_source.values()]))
    return per_source


def subset_per_source(samples, n: int):
    if n <= 0:
        return samples
    out, count = [], {}
    for s in samples:
        if count.get(s.source, 0) < n:
            out.append(s)
            count[s.source] = count.get(s.source, 0) + 1
    return out


# Every random stream of a run is derived from --seed, one stream per use, each on a CPU generator (so a
# run is reproducible, and the same on the CPU and the GPU: TOOLCHAIN.md). The multipliers only keep the
# streams apart; they are arbitrary primes, fixed so that runs stay comparable with earlier ones.
EPOCH_ORDER_SEED = 100003  # the epoch's sample order: Generator(seed * EPOCH_ORDER_SEED + epoch)
STEP_AUGMENT_SEED = 7919   # a step's augmentation: Generator(seed * STEP_AUGMENT_SEED + global step)
WARMUP_SEED = 31337        # the optimiser warm-up's batches and augmentation: Generator(seed * WARMUP_SEED)
# (The model's initial weights come from torch.manual_seed(seed) itself: build_model.)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    ranks = distributed.start(args.device)
    code = train(args, ranks)
    distributed.stop(ranks)
    return code


class Data:
    """The run's samples, preloaded as uint8 arrays at store_size (validation on rank 0 only)."""

    def __init__(self, args: argparse.Namespace, ranks: distributed.Ranks, log: Logger):
        if not ranks.is_main:
            distributed.barrier(ranks)  # rank 0 writes the split and the preload cache first
        samples = list_samples(args.data)
        is_shared = os.path.exists(os.path.join(args.data, "manifest.csv"))
        split_path = args.split or (DEFAULT_SPLIT if is_shared else os.path.join(args.out, "split.json"))
        split = load_or_create_split(samples, split_path, args.val_fraction)
        self.train = select(samples, split, "train")
        self.val = subset_per_source(select(samples, split, "val"), args.val_per_source)
        res = store_size(max(args.size, args.low_size))
        tag = "".join(c if c.isalnum() else "_" for c in os.path.abspath(args.data))[-40:]
        t0 = time.time()
        self.train_images, self.train_masks = preload(
            self.train, res, os.path.join(args.cache_dir, f"{tag}-train-{res}.npz"))
        self.val_images, self.val_masks = None, None
        if ranks.is_main:  # only rank 0 validates
            self.val_images, self.val_masks = preload(
                self.val, res, os.path.join(args.cache_dir, f"{tag}-val{args.val_per_source}-{res}.npz"))
            distributed.barrier(ranks)
        log(f"data {len(self.train)} train / {len(self.val)} validation images at {res}px, split {split_path}, "
            f"loaded in {time.time() - t0:.0f}s")


def fresh_state() -> Dict:
    """The progress a checkpoint carries: where the run is, the best epoch so far, the history."""
    return {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "best": -1.0, "best_epoch": -1,
            "history": [], "train_seconds": 0.0, "wall_seconds": 0.0}


def build_model(args: argparse.Namespace, device, fmt):
    torch.manual_seed(args.seed)  # the decoder's (and with --weights none the encoder's) initial weights
    model = HairNet(args.arch, args.width, args.depth).to(device, memory_format=fmt)
    optimiser = torch.optim.Adadelta(param_groups(model, args.weight_decay), lr=args.lr, rho=0.95, eps=1e-7)
    return model, optimiser


def resume(model: HairNet, optimiser, ck: Dict, args: argparse.Namespace, path: str, log: Logger) -> Dict:
    """Loads a checkpoint's weights and optimiser; returns its state."""
    if ck["arch"] != args.arch:
        raise SystemExit(f"{path} is a {ck['arch']} checkpoint, not {args.arch}")
    model.load_state_dict(ck["model"])
    optimiser.load_state_dict(ck["optimiser"])
    # The command line's --lr wins over the checkpoint's: a resumed run can finish at a lower rate
    # (Adadelta at 1.0 with batch 4 is noisy from step to step; a lower rate settles the last epochs).
    old_lr = sorted({group["lr"] for group in optimiser.param_groups})
    if old_lr != [args.lr]:
        log(f"learning rate {', '.join(f'{lr:g}' for lr in old_lr)} (checkpoint) -> {args.lr:g} (--lr)")
        for group in optimiser.param_groups:
            group["lr"] = args.lr
    state = ck["state"]
    log(f"resumed from {path}: epoch {state['epoch']}, step {state['step_in_epoch']}, "
        f"best IoU {state['best']:.4f} (epoch {state['best_epoch']})")
    return state


def initialise(model: HairNet, args: argparse.Namespace, log: Logger) -> None:
    """A new run's starting weights: a model file (--init), random, or the ImageNet encoder."""
    if args.init:
        init_from_model_file(model, args.init)
        log(f"every weight from {args.init} (fine-tuning; its folded BatchNorm stays identity), "
            f"fresh optimiser state")
    elif args.weights == "none":
        log("encoder randomly initialised (--weights none)")
    else:
        missing = load_encoder(model, args.weights)
        log(f"encoder from {args.weights}; He-initialised (file missing): {missing}")


def load_teacher(args: argparse.Namespace, device, fmt, log: Logger):
    """The frozen network of --teacher (None without): its outputs are the distillation targets."""
    if not args.teacher:
        return None
    header, tensors = read_model(args.teacher)
    if header["arch"] != args.arch:
        raise SystemExit(f"--teacher {args.teacher} is {header['arch']}, but this run trains {args.arch}")
    teacher = model_from_tensors(header, tensors).to(device, memory_format=fmt).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    log(f"distilling from {args.teacher} (width {header['width_milli'] / 1000:g}, depth {header['depth']}): "
        f"{args.distill:g} of the cross-entropy against its softmax")
    return teacher


def weight_average(model: HairNet, args: argparse.Namespace, ck, log: Logger):
    """The EMA of the weights (--ema), restored from the checkpoint `ck` when it has one; None without --ema."""
    if not args.ema:
        return None
    # A fine-tuned model's starting weights are good: no ramp (averaging.py)
    average = WeightAverage(model, args.ema, ramp=not args.init)
    if ck is not None and "average" in ck:
        average.load_state_dict(ck["average"])
    log(f"weight average (EMA decay {args.ema:g}{'' if average.ramp else ' from the start'}, "
        f"{average.updates} updates so far) is validated and kept")
    return average


def epoch_input_size(args: argparse.Namespace, state: Dict, epoch: int, ranks, device) -> int:
    """--low-size for the first --low-epochs epochs, or (with --time-budget) the first --low-until of it."""
    budget_s = args.time_budget * 60
    if budget_s and args.low_size:
        low = state["wall_seconds"] < args.low_until * budget_s
    else:
        low = bool(args.low_size) and epoch < args.low_epochs
    return args.low_size if distributed.main_decides(ranks, low, device) else args.size


def epoch_order(args: argparse.Namespace, epoch: int, n_train: int, steps_per_epoch: int) -> torch.Tensor:
    """The epoch's sample indices: shuffled passes over the training set, enough for its steps."""
    gen = torch.Generator().manual_seed(args.seed * EPOCH_ORDER_SEED + epoch)
    return torch.cat([torch.randperm(n_train, generator=gen)
                      for _ in range(math.ceil(steps_per_epoch * args.batch / n_train))])


class Run:
    """One training run: the model, its optimiser and average, the progress `state`, and how it is saved."""

    def __init__(self, args: argparse.Namespace, ranks: distributed.Ranks, device, log: Logger):
        self.args, self.ranks, self.device, self.log = args, ranks, device, log
        self.fmt = memory_format(args.memory_format)
        self.model, self.optimiser = build_model(args, device, self.fmt)
        self.ckpt_path, self.best_path = os.path.join(args.out, "checkpoint.pt"), os.path.join(args.out, "best.pt")
        ck = None
        if os.path.exists(self.ckpt_path):
            ck = load_checkpoint(self.ckpt_path, device)
            self.state = resume(self.model, self.optimiser, ck, args, self.ckpt_path, log)
        else:
            initialise(self.model, args, log)
            self.state = fresh_state()
        self.average = weight_average(self.model, args, ck, log)
        self.teacher = load_teacher(args, device, self.fmt, log)

    def save(self, path: str, weights=None) -> None:
        """The checkpoint holds the live weights (to resume) and the average; best.pt gets the average
        as its "model" (weights=average.shadow), which is what export and evaluate.py read."""
        if not self.ranks.is_main:
            return
        args = self.args
        tmp = path + ".tmp"
        ck = {"arch": args.arch, "width": args.width, "depth": args.depth,
              "model": weights if weights is not None else self.model.state_dict(),
              "optimiser": self.optimiser.state_dict(), "state": self.state, "args": vars(args)}
        if self.average is not None:
            ck["average"] = self.average.state_dict()
        torch.save(ck, tmp)
        os.replace(tmp, path)

    def train_epoch(self, net, data: Data, epoch: int, size: int, steps_per_epoch: int) -> Dict:
        """The epoch's steps from state["step_in_epoch"] on; returns the loss sums, the step count and
        whether the run stops (time budget or --max-steps)."""
        args, state, ranks = self.args, self.state, self.ranks
        local = args.batch // ranks.world  # this rank's rows of every global batch: first..first + local
        first = ranks.rank * local
        budget_s = args.time_budget * 60
        order = epoch_order(args, epoch, len(data.train), steps_per_epoch)
        sums, count, t_epoch, t_win, win_steps = np.zeros(3), 0, time.time(), time.time(), 0
        t_last = t_epoch
        stop = False
        for step in range(state["step_in_epoch"], steps_per_epoch):
            idx = order[step * args.batch:(step + 1) * args.batch][first:first + local].to(self.device)
            augment_gen = torch.Generator().manual_seed(args.seed * STEP_AUGMENT_SEED + state["global_step"])
            loss, ce, lc = train_step(net, self.optimiser, data.train_images[idx], data.train_masks[idx], size,
                                      args, self.fmt, augment_gen, first, args.batch, self.teacher)
            if self.average is not None:
                self.average.update(self.model)
            now = time.time()
            state["wall_seconds"] += now - t_last
            t_last = now
            loss, ce, lc, over_budget = distributed.step_values(
                ranks, loss, ce, lc, bool(budget_s) and state["wall_seconds"] >= budget_s)
            if not math.isfinite(loss):
                raise SystemExit(f"loss became {loss} at step {state['global_step']}")
            sums += [loss, ce, lc]
            count += 1
            win_steps += 1
            state["step_in_epoch"], state["global_step"] = step + 1, state["global_step"] + 1
            if (step + 1) % 50 == 0:
                now = time.time()
                self.log(f"epoch {epoch + 1}/{args.epochs} step {step + 1}/{steps_per_epoch} size {size} "
                         f"loss {sums[0] / count:.4f} (ce {sums[1] / count:.4f} lc {sums[2] / count:.4f}) "
                         f"{win_steps / (now - t_win):.2f} steps/s")
                state["train_seconds"] += now - t_win
                t_win, win_steps = now, 0
            if state["global_step"] % args.ckpt_every == 0:
                self.save(self.ckpt_path)
            if over_budget:
                self.log(f"time budget of {args.time_budget:g} min reached")
                stop = True
                break
            if args.max_steps and state["global_step"] >= args.max_steps:
                stop = True
                break
        state["train_seconds"] += time.time() - t_win
        return {"sums": sums, "count": count, "stop": stop, "started": t_epoch}

    def validate_and_keep_best(self, data: Data, epoch: int, size: int, done: Dict) -> None:
        """Rank 0: validates at the export size (so best-keeping compares like with like), logs, keeps the
        best epoch in best.pt, saves the checkpoint."""
        args, state, average = self.args, self.state, self.average
        sums, count = done["sums"], done["count"]
        t_val = time.time()
        with (average.applied(self.model) if average is not None else contextlib.nullcontext()):
            val = validate(self.model, data.val_images, data.val_masks, [s.source for s in data.val], args.size,
                           self.device, fmt=self.fmt)
        state["wall_seconds"] += time.time() - t_val
        per = " ".join(f"{s} IoU {v['iou']:.4f} F1 {v['f1']:.4f} LC {v['grad_consistency']:.4f}"
                       for s, v in val.items() if isinstance(v, dict))
        self.log(f"epoch {epoch + 1} done in {time.time() - done['started']:.0f}s: train loss "
                 f"{sums[0] / max(count, 1):.4f} | val mean IoU {val['mean_iou']:.4f} | {per} "
                 f"(val {time.time() - t_val:.0f}s)")
        state["history"].append({"epoch": epoch + 1, "size": size, "steps": count,
                                 "train_loss": sums[0] / max(count, 1), "val": val})
        if val["mean_iou"] > state["best"]:
            state["best"], state["best_epoch"] = val["mean_iou"], epoch + 1
            self.save(self.best_path, average.shadow if average is not None else None)
            self.log(f"new best (mean IoU {val['mean_iou']:.4f}) saved to {self.best_path}")
        self.save(self.ckpt_path)

    def export_best(self) -> None:
        args = self.args
        best = load_checkpoint(self.best_path if os.path.exists(self.best_path) else self.ckpt_path)
        out_file = os.path.join(args.out, f"{args.arch}.hmm")
        n = export_checkpoint(best, out_file, args.size, vars(args), args.dtype)
        self.log(f"wrote {out_file} ({n} bytes, {args.dtype}) from epoch {best['state']['epoch']}")


def set_up(args: argparse.Namespace, ranks: distributed.Ranks) -> Logger:
    """The output folder, the log, the threads; checks that the batch divides among the processes."""
    if args.batch % ranks.world:
        raise SystemExit(f"--batch {args.batch} (the global batch) must be a multiple of the {ranks.world} processes")
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, "train.log") if ranks.is_main else None)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # denormals in fine-tuned weights can slow CPU convolutions a lot
    log(f"args {json.dumps(vars(args), sort_keys=True)}")
    if ranks.enabled:
        log(f"data-parallel over {ranks.world} processes ({args.device}): "
            f"{args.batch // ranks.world} of each batch of {args.batch} each")
    return log


def train(args: argparse.Namespace, ranks: distributed.Ranks) -> int:
    log = set_up(args, ranks)
    device = distributed.device_for(args.device, ranks)
    data = Data(args, ranks, log)
    if args.preload_only:
        log(f"preload cache written to {args.cache_dir}")
        log.close()
        return 0
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed input sizes: let cuDNN pick its fastest kernels
    data.train_images = torch.from_numpy(data.train_images).to(device)
    data.train_masks = torch.from_numpy(data.train_masks).to(device)

    run = Run(args, ranks, device, log)
    model, state = run.model, run.state
    steps_per_epoch = args.steps_per_epoch or len(data.train) // args.batch
    model.train()
    # `net` runs forward and backward (DDP when distributed); `model` is the bare network the optimiser,
    # the average, validation and checkpoints use.
    net, net_frozen = distributed.wrap(model, ranks, device), -1
    if args.init and state["global_step"] == 0 and args.optimiser_warmup > 0:
        warm_up_optimiser(net, run.optimiser, data.train_images, data.train_masks, args, run.fmt, log, ranks,
                          run.teacher)
    stop = False
    while state["epoch"] < args.epochs and not stop:
        epoch = state["epoch"]
        size = epoch_input_size(args, state, epoch, ranks, device)
        frozen = args.freeze_upto if epoch < args.freeze_epochs else -1
        model.set_encoder_frozen(frozen)
        if frozen != net_frozen:  # DDP reduces the parameters that were trainable when it was built
            net = None
            net, net_frozen = distributed.wrap(model, ranks, device), frozen
        done = run.train_epoch(net, data, epoch, size, steps_per_epoch)
        stop = done["stop"]
        if state["step_in_epoch"] < steps_per_epoch and stop and done["count"] == 0:
            break
        state["epoch"] += 0 if (stop and state["step_in_epoch"] < steps_per_epoch) else 1
        if state["step_in_epoch"] >= steps_per_epoch:
            state["step_in_epoch"] = 0
        if not ranks.is_main:
            distributed.barrier(ranks)  # while rank 0 validates and saves
            continue
        run.validate_and_keep_best(data, epoch, size, done)
        distributed.barrier(ranks)

    if ranks.is_main:
        run.export_best()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
