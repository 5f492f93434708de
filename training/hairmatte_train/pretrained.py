"""Load the Keras ImageNet MobileNet-v1 weights (TF.js layers format) into the encoder.

model.json's `weightsManifest` lists groups of raw little-endian float32 files in order with their
names and shapes. Keras layouts: conv [kh, kw, cin, cout] -> PyTorch [cout, cin, kh, kw];
depthwise [kh, kw, cin, 1] -> [cin, 1, kh, kw]. BatchNorm: gamma, beta, moving_mean, moving_variance.
"""
import json
import os
from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn

from .models import HairNet


def read_manifest(folder: str) -> list:
    path = os.path.join(folder, "model.json")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found: --weights must be a TF.js layers MobileNet-v1 folder")
    with open(path) as f:
        return json.load(f)["weightsManifest"]


def read_tfjs_weights(folder: str) -> Dict[str, np.ndarray]:
    """Every tensor whose group file exists; missing files are skipped (listed by missing_tfjs_weights)."""
    manifest = read_manifest(folder)
    out: Dict[str, np.ndarray] = {}
    for group in manifest:
        paths = [os.path.join(folder, p) for p in group["paths"]]
        if not all(os.path.exists(p) for p in paths):
            continue
        blob = b""
        for path in paths:
            with open(path, "rb") as f:
                blob += f.read()
        offset = 0
        for w in group["weights"]:
            if w.get("dtype", "float32") != "float32":
                raise ValueError(f"{w['name']}: unsupported dtype {w['dtype']}")
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            out[w["name"]] = np.frombuffer(blob, "<f4", n, offset).reshape(w["shape"]).copy()
            offset += 4 * n
        if offset != len(blob):
            raise ValueError(f"{group['paths']}: {len(blob)} bytes, manifest describes {offset}")
    return out


def missing_tfjs_weights(folder: str) -> List[str]:
    manifest = read_manifest(folder)
    return [w["name"] for g in manifest for w in g["weights"]
            if not all(os.path.exists(os.path.join(folder, p)) for p in g["paths"])]


def keras_layer_names(key: str) -> str:
    """Our encoder key (conv0, dw{k}, pw{k}) -> the Keras layer name."""
    if key == "conv0":
        return "conv1"
    kind, k = key[:2], key[2:]
    return f"conv_{kind}_{k}"


def keras_to_torch_kernel(w: np.ndarray, depthwise: bool) -> np.ndarray:
    if depthwise:  # [kh, kw, cin, 1] -> [cin, 1, kh, kw]
        return np.ascontiguousarray(w.transpose(2, 3, 0, 1))
    return np.ascontiguousarray(w.transpose(3, 2, 0, 1))  # [kh, kw, cin, cout] -> [cout, cin, kh, kw]


def load_encoder(model: HairNet, folder: str) -> List[str]:
    """Copy the ImageNet encoder into `model`; returns the conv kernels that were missing and got a
    He (Kaiming normal, fan_out, as Keras' MobileNet he-init variants) initialisation instead."""
    weights = read_tfjs_weights(folder)
    he_initialised = []
    with torch.no_grad():
        for key, layer in model.enc.items():
            kname = keras_layer_names(key)
            kernel_name = f"{kname}/depthwise_kernel" if key.startswith("dw") else f"{kname}/kernel"
            if kernel_name in weights:
                w = keras_to_torch_kernel(weights[kernel_name], key.startswith("dw"))
                if tuple(w.shape) != tuple(layer.conv.weight.shape):
                    raise ValueError(f"{kernel_name}: shape {w.shape}, model needs {tuple(layer.conv.weight.shape)}")
                layer.conv.weight.copy_(torch.from_numpy(w))
            else:
                nn.init.kaiming_normal_(layer.conv.weight, mode="fan_in", nonlinearity="relu")
                he_initialised.append(kernel_name)
            bn = layer.bn
            for ours, theirs in (("weight", "gamma"), ("bias", "beta"),
                                 ("running_mean", "moving_mean"), ("running_var", "moving_variance")):
                name = f"{kname}_bn/{theirs}"
                if name not in weights:
                    raise ValueError(f"{folder}: BatchNorm tensor {name} missing")
                getattr(bn, ours).copy_(torch.from_numpy(weights[name]))
    return he_initialised


class MobileNetClassifier(nn.Module):
    """The ImageNet classifier on top of a HairNet encoder (global average pool + conv_preds),
    used only to check that the weights were loaded correctly."""

    def __init__(self, encoder_model: HairNet, folder: str):
        super().__init__()
        weights = read_tfjs_weights(folder)
        self.model = encoder_model
        k = weights["conv_preds/kernel"]  # [1, 1, 1024, 1000]
        self.fc = nn.Linear(k.shape[2], k.shape[3])
        with torch.no_grad():
            self.fc.weight.copy_(torch.from_numpy(k[0, 0].T.copy()))
            self.fc.bias.copy_(torch.from_numpy(weights["conv_preds/bias"]))

    def forward(self, x: torch.Tensor, upto: int = 13) -> torch.Tensor:
        feats = self.model.encode(x)
        return torch.softmax(self.fc(feats[upto].mean(dim=(2, 3))), dim=1)
