"""Checking a model file before it is taken in, and turning a public .pth into our format.

``check_model_file`` is what an upload goes through: the safe loader, the expected layout for
its kind and one tiny forward pass, so a file that would fail at run time is refused at once
with a ModelFileError that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from . import chen, johnson
from .errors import ModelFileError
from .modelfile import is_safetensors, read_metadata, save_model

JOHNSON = "johnson"
CHEN_DECODER = "chen-decoder"
KINDS = (JOHNSON, CHEN_DECODER)
PTH_SOURCE = "fast-neural-style .pth"


@dataclass(frozen=True)
class CheckedModel:
    kind: str  # "johnson" or "chen-decoder"
    variant: str  # "standard"/"light" for Johnson; the decoder's layer ("relu3_1") for Chen
    metadata: dict  # as stored in the file (a .pth gets what load_transformer makes up)
    from_pth: bool  # a public fast-neural-style .pth: store the convert_pth copy, not the file


def check_model_file(path: str | Path) -> CheckedModel:
    """Safe loader + expected layout + one tiny forward pass; ModelFileError with a clear message otherwise.

    Our .safetensors files say their kind in their metadata; anything else is treated as a
    fast-neural-style .pth and read with ``torch.load(weights_only=True)`` (nothing in it runs).
    """
    path = Path(path)
    from_pth = not is_safetensors(path)
    kind = JOHNSON if from_pth else read_metadata(path).get("kind")
    if kind == JOHNSON:
        net, meta = johnson.load_transformer(path)
        variant = net.variant
        probe = lambda: johnson.stylize(net, torch.rand(1, 3, 16, 16))  # noqa: E731
    elif kind == CHEN_DECODER:
        net, meta = chen.load_decoder(path)
        variant = meta.get("variant", "")
        probe = lambda: net(torch.zeros(1, 256, 4, 4))  # noqa: E731
    else:
        raise ModelFileError(
            f"not a style model: the file's kind is {kind!r}, expected a Johnson network or a Chen decoder"
        )
    try:
        with torch.inference_mode():
            out = probe()
    except (RuntimeError, ValueError) as error:
        raise ModelFileError(f"the network failed a test run ({str(error).splitlines()[0]})") from None
    if not torch.isfinite(out).all():
        raise ModelFileError("the network's test output is not finite (damaged weights?)")
    return CheckedModel(kind=kind, variant=variant, metadata=meta, from_pth=from_pth)


def convert_pth(source: str | Path, output: str | Path, *, style: str, original_name: str | None = None) -> Path:
    """Write a fast-neural-style .pth as one of our Johnson .safetensors files; returns `output`.

    `style` is the name stored in the model; `original_name` the file name its owner knew
    (default: `source`'s), kept in the training metadata so the model says where it came from.
    """
    source = Path(source)
    net, _ = johnson.load_transformer(source)
    training = {"source": PTH_SOURCE, "original_name": original_name or source.name}
    return save_model(output, net.state_dict(), johnson.model_metadata(net, style=style, training=training))
