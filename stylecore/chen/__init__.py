"""Chen & Schmidt (2016) style swap: any style in one pass, with an inverse network trained once.

Content and style are encoded with VGG19 up to relu3_1; every content patch is replaced by the
best-matching style patch (swap); the inverse network, a mirror of VGG19 up to relu3_1, turns
the swapped features back into an image (network). It is trained on content and style photos
with the loss ||VGG(decoder(F)) - F||^2 + TV, not per style (training). ``run_files`` and
``stylize`` live in inference.

Everything callers use is importable from here (``from stylecore import chen``).
"""

from ..photos import PhotoFolder
from ..training import checkpoint_path
from .inference import MIN_SIDE, ChenConfig, ChenResult, run_files, stylize
from .network import LAYER, InverseNet, load_decoder
from .swap import StylePatches, encode_style, style_swap, swap_patches
from .training import DecoderTrainConfig, DecoderTrainResult, train_decoder, train_files

__all__ = [
    "LAYER",
    "MIN_SIDE",
    "ChenConfig",
    "ChenResult",
    "DecoderTrainConfig",
    "DecoderTrainResult",
    "InverseNet",
    "PhotoFolder",
    "StylePatches",
    "checkpoint_path",
    "encode_style",
    "load_decoder",
    "run_files",
    "style_swap",
    "stylize",
    "swap_patches",
    "train_decoder",
    "train_files",
]
