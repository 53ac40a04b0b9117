"""Johnson fast style transfer: a feed-forward transform network trained once per style.

- network: the transform networks (standard and light), model files and their metadata;
- runtime: ONNX export, the per-process model cache and ``frame_function`` (photos, video, webcam);
- inference: ``run_files`` for one photo;
- training: ``TrainConfig``, ``train`` and ``train_files``.

Everything callers use is importable from here (``from stylecore import johnson``).
"""

from ..photos import PHOTO_SUFFIXES, PhotoFolder
from ..training import TrainResult, checkpoint_path
from .inference import JohnsonConfig, run_files
from .network import (
    MIN_SIDE,
    VARIANTS,
    TransformerNet,
    build_transformer,
    check_size,
    load_transformer,
    model_metadata,
    stylize,
)
from .runtime import ENGINES, LoadedModel, cached_model, export_onnx, frame_function, onnx_bytes, onnx_session
from .training import CONTENT_LAYER, STYLE_LAYERS, TrainConfig, train, train_files

__all__ = [
    "CONTENT_LAYER",
    "ENGINES",
    "MIN_SIDE",
    "PHOTO_SUFFIXES",
    "STYLE_LAYERS",
    "VARIANTS",
    "JohnsonConfig",
    "LoadedModel",
    "PhotoFolder",
    "TrainConfig",
    "TrainResult",
    "TransformerNet",
    "build_transformer",
    "cached_model",
    "check_size",
    "checkpoint_path",
    "export_onnx",
    "frame_function",
    "load_transformer",
    "model_metadata",
    "onnx_bytes",
    "onnx_session",
    "run_files",
    "stylize",
    "train",
    "train_files",
]
