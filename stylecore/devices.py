"""Which torch device a run uses: CUDA if present, else Apple MPS, else CPU; STYLECORE_DEVICE overrides.

`cuda:N` picks one GPU of several (each worker its own: STYLECORE_DEVICE=cuda:1, or CUDA_VISIBLE_DEVICES=1 with
plain `cuda`), so workers on a multi-GPU machine do not all share GPU 0.
"""

from __future__ import annotations

import os

import torch

from .errors import OptionError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N", "mps")


def pick_device(name: str | None = None) -> torch.device:
    """Resolve "auto" (or None: the STYLECORE_DEVICE setting, default auto) to a usable device."""
    name = (name or os.environ.get("STYLECORE_DEVICE") or "auto").strip().lower()
    kind, colon, index = name.partition(":")
    if kind not in ("auto", "cpu", "cuda", "mps") or (colon and (kind != "cuda" or not index.isdigit())):
        raise OptionError("device", f"must be one of {', '.join(DEVICE_CHOICES)}, not {name!r}")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if kind == "cuda" and not torch.cuda.is_available():
        raise OptionError("device", f"{name} was asked for but no CUDA GPU is available")
    if colon and int(index) >= (count := torch.cuda.device_count()):
        raise OptionError(
            "device", f"{name} was asked for but this machine has {count} CUDA GPU(s): cuda:0 to cuda:{count - 1}"
        )
    if name == "mps" and not torch.backends.mps.is_available():
        raise OptionError("device", "MPS was asked for but is not available on this machine")
    return torch.device(f"cuda:{int(index)}" if colon else name)


def describe_device(device: torch.device) -> str:
    """A human label for results: 'cpu', 'cuda (NVIDIA H100 80GB HBM3)', 'cuda:1 (NVIDIA H100 80GB HBM3)'."""
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return device.type
