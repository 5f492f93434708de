"""Export a trainer checkpoint (dict saved by trainer.py: arch, width, depth, model, state, args) to a
.hmm model file, with the metadata the engine and the model cards read."""
from typing import Dict, Optional

from .model_file import write_model
from .models import HairNet

LICENCE = ("weights trained on CelebAMask-HQ, Figaro-1k and LFW Parts: research / non-commercial use only, "
           "as those data sets' terms")


def checkpoint_weights(ck: Dict, live: bool = False) -> Dict:
    """The weights a checkpoint stands for: the weight average when the run kept one (--ema: the average
    is what was validated), else, or with `live`, the weights of its last step."""
    if live or "average" not in ck:
        return ck["model"]
    return ck["average"]["shadow"]


def checkpoint_metadata(ck: Dict, recipe: Dict, selected_by: Optional[str] = None) -> Dict:
    """The file's metadata for checkpoint `ck` trained with `recipe` (the trainer's arguments)."""
    state = ck["state"]
    epoch = state["epoch"]
    # best.pt is saved as its epoch ends: its state names it best; any other epoch is looked up in history
    # (an epoch cut short by a time budget has no entry: no validation value for it then).
    if state.get("best_epoch") == epoch:
        val_iou = state["best"]
    else:
        val_iou = next((h["val"]["mean_iou"] for h in state.get("history", []) if h["epoch"] == epoch), None)
    meta = {"arch": ck["arch"],
            "recipe": {k: v for k, v in recipe.items() if k not in ("data", "out", "cache_dir")},
            "best_epoch": epoch, "best_val_mean_iou": val_iou, "global_step": state["global_step"],
            "train_seconds": round(state["train_seconds"]), "licence": LICENCE}
    if selected_by:
        meta["selected_by"] = selected_by
    return meta


def export_checkpoint(ck: Dict, out_file: str, input_size: int, recipe: Dict, dtype: str = "fp16",
                      selected_by: Optional[str] = None, live: bool = False) -> int:
    """Writes out_file from checkpoint_weights(ck, live); returns its size in bytes."""
    model = HairNet(ck["arch"], ck["width"], ck["depth"])
    model.load_state_dict(checkpoint_weights(ck, live))
    model.eval()
    return write_model(out_file, model, input_size, checkpoint_metadata(ck, recipe, selected_by), dtype)
