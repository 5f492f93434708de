"""Loading the trainer's own checkpoints (checkpoint.pt, best.pt) on any PyTorch from 1.13 to 2.x.

They hold the run's arguments, history and optimiser state besides tensors. PyTorch 2.6+ loads with
weights_only=True by default, which refuses such files, so the choice is made here explicitly: these
are files this project wrote (never load a checkpoint from an untrusted source: unpickling runs code).
map_location puts the tensors where they are needed (a CUDA checkpoint opens on a CPU-only machine)."""
import torch


def load_checkpoint(path: str, map_location="cpu"):
    return torch.load(path, map_location=map_location, weights_only=False)
