"""Data-parallel training across processes (`torchrun --nproc_per_node N training/train.py ...`).

torchrun starts N copies of the trainer with RANK, WORLD_SIZE and LOCAL_RANK set. Each holds the whole
model and the preloaded data; every step, the global batch (--batch, the same as in one process) is cut
into N equal slices, rank r taking slice r (so over an epoch each rank sees its own shard of the
shuffled order, as DistributedSampler gives), and DistributedDataParallel averages the gradients. With
the loss a mean over equal slices, that average is the gradient of the global batch: the steps are those
of one process, up to float rounding (tests/test_distributed.py checks it).

BatchNorm: the encoder's BatchNorm always runs in eval mode (frozen ImageNet statistics, models.py), so
it normalises a sample the same way whatever batch it is in, and per-rank batches change nothing. If
BatchNorm ever trained its statistics, each rank would see only its slice: SyncBatchNorm would be needed,
and PyTorch 1.13's refuses CPU tensors ("SyncBatchNorm expected input tensor to be on GPU"), so `wrap`
refuses that case instead of training something different from the one-process recipe.

Rank 0 alone preloads first (the others then read its cache), logs, validates, saves and exports.
Decisions taken from the wall clock (time budget, the low-resolution phase) are rank 0's, shared with all.
"""
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel


@dataclass
class Ranks:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def start(device_kind: str) -> Ranks:
    """Joins the process group when started by torchrun (WORLD_SIZE > 1): NCCL on CUDA, gloo on the CPU."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Ranks()
    ranks = Ranks(int(os.environ["RANK"]), world, int(os.environ.get("LOCAL_RANK", "0")))
    if device_kind == "cuda":
        torch.cuda.set_device(ranks.local_rank)
    dist.init_process_group("nccl" if device_kind == "cuda" else "gloo")
    return ranks


def stop(ranks: Ranks) -> None:
    if ranks.enabled:
        dist.barrier()
        dist.destroy_process_group()


def device_for(device_kind: str, ranks: Ranks) -> torch.device:
    return torch.device(f"cuda:{ranks.local_rank}") if device_kind == "cuda" else torch.device(device_kind)


def barrier(ranks: Ranks) -> None:
    if ranks.enabled:
        dist.barrier()


def wrap(model: torch.nn.Module, ranks: Ranks, device: torch.device) -> torch.nn.Module:
    """The module to run forward and backward through: DDP over `model` when distributed, else `model`.
    Call again whenever the set of trainable parameters changes (DDP registers them when it is built)."""
    if not ranks.enabled:
        return model
    training_bn = [n for n, m in model.named_modules()
                   if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.training]
    if training_bn:
        raise SystemExit(f"BatchNorm in training mode under DDP ({training_bn[0]}, ...): each rank would "
                         "normalise its own slice; this trainer keeps BatchNorm frozen (see distributed.py)")
    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None,
                                   broadcast_buffers=False)  # buffers are frozen statistics, equal everywhere


def step_values(ranks: Ranks, loss, ce, lc, main_flag: bool):
    """(loss, ce, lc) averaged over the ranks as floats (the global batch's values), and rank 0's flag."""
    if not ranks.enabled:
        return float(loss), float(ce), float(lc), main_flag
    v = torch.stack([loss.detach().float(), ce.float(), lc.float(),
                     loss.new_tensor(float(main_flag) if ranks.is_main else 0.0)])
    dist.all_reduce(v)
    loss, ce, lc, flag = v.tolist()
    return loss / ranks.world, ce / ranks.world, lc / ranks.world, flag > 0


def main_decides(ranks: Ranks, value: bool, device: torch.device) -> bool:
    """Rank 0's `value` on every rank (for decisions taken from its wall clock)."""
    if not ranks.enabled:
        return value
    t = torch.tensor([float(value)], device=device)
    dist.broadcast(t, 0)
    return bool(t.item() > 0)
