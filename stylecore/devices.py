"""Which torch device a run uses: CUDA if present, else Apple MPS, else CPU; STYLECORE_DEVICE overrides."""

from __future__ import annotations

import os

import torch

from .errors import OptionError
from .options import check_choice

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def pick_device(name: str | None = None) -> torch.device:
    """Resolve "auto" (or None: the STYLECORE_DEVICE setting, default auto) to a usable device."""
    name = (name or os.environ.get("STYLECORE_DEVICE") or "auto").lower()
    check_choice("device", name, DEVICE_CHOICES)
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise OptionError("device", "CUDA was asked for but no CUDA GPU is available")
    if name == "mps" and not torch.backends.mps.is_available():
        raise OptionError("device", "MPS was asked for but is not available on this machine")
    return torch.device(name)


def describe_device(device: torch.device) -> str:
    """A human label for results: 'cpu', 'cuda (NVIDIA H100 80GB HBM3)'."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type
