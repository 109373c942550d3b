"""Low-rank adapters (LoRA) for MiniLM: fine-tuning small enough to ship in the repository.

Fine-tuning all of MiniLM gives 90 MB of weights; a rank-r adapter on each linear layer of
its six transformer layers is a few hundred thousand numbers. Training wraps each target
``Linear`` in :class:`LoRALinear` (the base weight frozen, ``b @ a`` learned); shipping
saves the ``a`` and ``b`` matrices as safetensors (plain arrays, no pickle); loading adds
``scale * b @ a`` to the installed MiniLM's weights, so the adapted encoder runs exactly
as fast as the original one.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

# the linear layers of a BERT layer, by their path under ``encoder.layer.<i>``
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
# the same layers in an MPNet layer (all-mpnet-base-v2), for ``benchmarks/larger_encoder.py``
MPNET_TARGETS = (
    "attention.attn.q",
    "attention.attn.k",
    "attention.attn.v",
    "attention.attn.o",
    "intermediate.dense",
    "output.dense",
)
WEIGHTS_FILE = "adapter.safetensors"
CONFIG_FILE = "adapter_config.json"


def lora_linear(base: Any, rank: int, alpha: float) -> Any:
    """``base`` (a torch ``Linear``, frozen) plus a trainable rank-``rank`` update."""
    import torch

    class LoRALinear(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.a = torch.nn.Parameter(torch.empty(rank, base.in_features))
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            torch.nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))  # b = 0: starts as base

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale

    for parameter in base.parameters():
        parameter.requires_grad = False
    return LoRALinear()


def layer_targets(bert: Any) -> tuple[str, ...]:
    """The target layers' paths in ``bert``'s layers: BERT's (MiniLM) or MPNet's."""
    return MPNET_TARGETS if hasattr(bert.encoder.layer[0].attention, "attn") else TARGETS


def add_lora(bert: Any, rank: int, alpha: float) -> list[Any]:
    """Freeze ``bert`` and wrap its target layers in adapters; returns the new parameters."""
    for parameter in bert.parameters():
        parameter.requires_grad = False
    learned, targets = [], layer_targets(bert)
    for layer in bert.encoder.layer:
        for path in targets:
            parent_path, _, leaf = path.rpartition(".")
            parent = layer.get_submodule(parent_path)
            wrapped = lora_linear(getattr(parent, leaf), rank, alpha)
            setattr(parent, leaf, wrapped)
            learned += [wrapped.a, wrapped.b]
    return learned


def adapter_tensors(bert: Any) -> dict[str, np.ndarray]:
    """The learned ``a`` and ``b`` matrices of a model prepared by :func:`add_lora`."""
    tensors, targets = {}, layer_targets(bert)
    for index, layer in enumerate(bert.encoder.layer):
        for path in targets:
            module = layer.get_submodule(path)
            tensors[f"layer.{index}.{path}.a"] = module.a.detach().cpu().numpy().copy()
            tensors[f"layer.{index}.{path}.b"] = module.b.detach().cpu().numpy().copy()
    return tensors


def unwrap(bert: Any) -> None:
    """Fold each adapter into its base weight and put the plain ``Linear`` back."""
    import torch

    targets = layer_targets(bert)
    with torch.no_grad():
        for layer in bert.encoder.layer:
            for path in targets:
                parent_path, _, leaf = path.rpartition(".")
                parent = layer.get_submodule(parent_path)
                wrapped = getattr(parent, leaf)
                wrapped.base.weight += (wrapped.b @ wrapped.a) * wrapped.scale
                setattr(parent, leaf, wrapped.base)


def save_adapter(folder: Path, tensors: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write the adapter (safetensors, fp32) and its config; returns its version."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    version = adapter_version(tensors)
    save_file(tensors, str(folder / WEIGHTS_FILE))
    config = {"version": version, **meta}
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    return version


def load_adapter(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The adapter's matrices and config, checked against the version in the config."""
    from safetensors.numpy import load_file

    config = adapter_config(folder)
    tensors = load_file(str(folder / WEIGHTS_FILE))
    if adapter_version(tensors) != config["version"]:
        raise ValueError(f"{folder}: weights do not match {CONFIG_FILE} (version mismatch)")
    return tensors, config


def adapter_config(folder: Path) -> dict[str, Any]:
    """The adapter's ``adapter_config.json``, read without its weights."""
    path = folder / CONFIG_FILE
    if not path.exists():
        raise FileNotFoundError(
            f"No encoder adapter in {folder}: run `scr-themes train-encoder` first"
        )
    config: dict[str, Any] = json.loads(path.read_text())
    return config


def apply_adapter_folder(bert: Any, folder: Path) -> None:
    """Add the adapter saved in ``folder`` to ``bert``'s weights, in place."""
    tensors, config = load_adapter(folder)
    apply_adapter(bert, tensors, config["alpha"] / config["rank"])


def apply_adapter(bert: Any, tensors: dict[str, np.ndarray], scale: float) -> None:
    """Add ``scale * b @ a`` to each target weight of ``bert``, in place."""
    import torch

    targets = layer_targets(bert)
    with torch.no_grad():
        for index, layer in enumerate(bert.encoder.layer):
            for path in targets:
                a = torch.from_numpy(tensors[f"layer.{index}.{path}.a"])
                b = torch.from_numpy(tensors[f"layer.{index}.{path}.b"])
                layer.get_submodule(path).weight += (b @ a) * scale


def adapter_version(tensors: dict[str, np.ndarray]) -> str:
    """Content hash of the matrices, in name order."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(tensors[name], dtype=np.float32).tobytes())
    return f"lora-{digest.hexdigest()[:12]}"
