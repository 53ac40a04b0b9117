"""Trained-network files: safetensors weights with JSON metadata in the same file, never pickle.

Our files keep the metadata dict as one JSON string under the "stylecore" key of the
safetensors header (whose metadata must be str -> str). Public fast-neural-style ``.pth``
files are read with ``torch.load(weights_only=True)``, which refuses any pickled object other
than tensors and plain containers, so nothing in a hostile file runs.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import Tensor

from .errors import ModelFileError

METADATA_KEY = "stylecore"


def save_model(path: str | Path, state_dict: Mapping[str, Tensor], metadata: dict) -> Path:
    """Write weights + metadata atomically (a temp file renamed into place: no half-written models)."""
    path = Path(path)
    tensors = {name: t.detach().to("cpu").contiguous() for name, t in state_dict.items()}
    partial = path.with_name(path.name + ".partial")
    save_file(tensors, str(partial), metadata={METADATA_KEY: json.dumps(metadata, sort_keys=True)})
    partial.replace(path)
    return path


def is_safetensors(path: str | Path) -> bool:
    """A safetensors file starts with an 8-byte header length and then the JSON header."""
    with open(path, "rb") as fh:
        head = fh.read(9)
    return len(head) == 9 and head[8:9] == b"{"


def read_metadata(path: str | Path) -> dict:
    """Only the metadata of one of our files (cheap: reads the header, not the weights)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            size = int.from_bytes(fh.read(8), "little")
            if not 0 < size < 100_000_000:
                raise ValueError("bad header length")
            header = json.loads(fh.read(size))
        return json.loads(header.get("__metadata__", {}).get(METADATA_KEY, "{}"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path.name}: not a readable model file ({exc})") from None


def load_model(path: str | Path) -> tuple[dict[str, Tensor], dict]:
    """(state_dict, metadata) from one of our safetensors files."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    if not is_safetensors(path):
        raise ModelFileError(f"{path.name}: not a safetensors model file")
    try:
        state_dict = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelFileError(f"{path.name}: the model file is damaged ({exc})") from None
    return state_dict, read_metadata(path)


def load_public_pth(path: str | Path) -> dict[str, Tensor]:
    """A plain state_dict saved with torch.save (the fast-neural-style example's .pth files).

    ``weights_only=True`` makes the unpickler accept tensors and plain containers only: a file
    that carries any other object is refused before anything in it runs.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ModelFileError(
            f"{path.name}: refused: the file carries pickled Python objects, not just weights; "
            "only plain state_dict files (or our .safetensors) are accepted"
        ) from None
    except Exception as exc:  # torch.load raises many kinds for files that are not weights at all
        raise ModelFileError(f"{path.name}: not a readable PyTorch weights file ({exc.__class__.__name__})") from None
    if not isinstance(loaded, Mapping) or not all(isinstance(v, Tensor) for v in loaded.values()):
        raise ModelFileError(f"{path.name}: refused: not a state_dict (a mapping of names to tensors)")
    return dict(loaded)


def is_untrained(metadata: dict) -> bool:
    """True when a network's training used random VGG weights or never took a step: its results are marked."""
    training = metadata.get("training", {})
    return bool(training.get("random_weights")) or training.get("steps_done") == 0


def save_checkpoint(path: str | Path, model: Mapping[str, Tensor], optimizer: dict, metadata: dict) -> Path:
    """Weights + optimizer state (tensors under "optimizer.<param>.<name>", the rest as JSON) for resuming."""
    tensors = {f"model.{name}": t for name, t in model.items()}
    scalars: dict[str, dict] = {}
    for index, state in optimizer["state"].items():
        for name, value in state.items():
            if isinstance(value, Tensor):
                tensors[f"optimizer.{index}.{name}"] = value
            else:
                scalars.setdefault(str(index), {})[name] = value
    meta = dict(metadata, optimizer_param_groups=optimizer["param_groups"], optimizer_scalars=scalars)
    return save_model(path, tensors, meta)


def load_checkpoint(path: str | Path) -> tuple[dict[str, Tensor], dict, dict]:
    """(model state_dict, optimizer state_dict, metadata) written by save_checkpoint."""
    tensors, meta = load_model(path)
    if "optimizer_param_groups" not in meta:
        raise ModelFileError(f"{Path(path).name}: not a training checkpoint")
    model = {name[len("model.") :]: t for name, t in tensors.items() if name.startswith("model.")}
    state: dict[int, dict] = {}
    for name, t in tensors.items():
        if name.startswith("optimizer."):
            _, index, key = name.split(".", 2)
            state.setdefault(int(index), {})[key] = t
    for index, values in meta.pop("optimizer_scalars").items():
        state.setdefault(int(index), {}).update(values)
    optimizer = {"state": state, "param_groups": meta.pop("optimizer_param_groups")}
    return model, optimizer, meta
