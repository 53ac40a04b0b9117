"""VGG19 features for the perceptual losses: cut after the deepest layer in use, frozen, normalised inside.

Weights come from STYLECORE_VGG_WEIGHTS (or an explicit spec): "torchvision" (download, the
default), a local file (a state_dict: .safetensors, or .pth read with weights_only=True), or
"random" (deterministic; results are marked). A failed download is an error, never a silent
fallback to random.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .errors import WeightsError

log = logging.getLogger(__name__)

WEIGHTS_ENV = "STYLECORE_VGG_WEIGHTS"
RANDOM_SEED = 19  # fixed so "random" weights give the same network in every process

# torchvision's VGG19 configuration "E": channels of each conv, "M" for a pooling layer.
_CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _layer_names() -> tuple[str, ...]:
    """Names of torchvision's vgg19().features modules in order: conv1_1, relu1_1, ..., pool5."""
    names, block, index = [], 1, 1
    for item in _CONFIG:
        if item == "M":
            names.append(f"pool{block}")
            block, index = block + 1, 1
        else:
            names += [f"conv{block}_{index}", f"relu{block}_{index}"]
            index += 1
    return tuple(names)


LAYER_NAMES = _layer_names()


def resolve_weights(spec: str | None = None) -> str:
    """ "torchvision", "random" or a file path: the spec, else the setting, else "torchvision"."""
    spec = (spec or os.environ.get(WEIGHTS_ENV) or "torchvision").strip()
    return spec.lower() if spec.lower() in ("torchvision", "random") else spec


def weights_are_random(spec: str | None = None) -> bool:
    return resolve_weights(spec) == "random"


def torchvision_weights_file() -> Path:
    """Where torchvision keeps (and looks for) the VGG19 ImageNet weights once downloaded."""
    from torchvision.models import VGG19_Weights

    return Path(torch.hub.get_dir()) / "checkpoints" / Path(VGG19_Weights.IMAGENET1K_V1.url).name


def weights_status(spec: str | None = None) -> str:
    """What a run would use, without loading anything: "random", "present" (a file is there) or
    "missing" (torchvision would have to download it, or the given file does not exist)."""
    spec = resolve_weights(spec)
    if spec == "random":
        return "random"
    path = torchvision_weights_file() if spec == "torchvision" else Path(spec)
    return "present" if path.is_file() else "missing"


def state_shapes() -> dict[str, tuple[int, ...]]:
    """The shape of every tensor of vgg19().features' state_dict, keyed "0.weight", "0.bias", ..., "34.bias"."""
    shapes, in_channels, index = {}, 3, 0
    for item in _CONFIG:
        if item == "M":
            index += 1
            continue
        shapes[f"{index}.weight"], shapes[f"{index}.bias"] = (item, in_channels, 3, 3), (item,)
        in_channels, index = item, index + 2
    return shapes


def _random_state() -> dict[str, torch.Tensor]:
    """What vgg19(weights=None) initialises (Kaiming normal, fan_out; zero bias), from a fixed seed."""
    generator = torch.Generator().manual_seed(RANDOM_SEED)
    state, in_channels, index = {}, 3, 0
    for item in _CONFIG:
        if item == "M":
            index += 1
            continue
        weight = torch.empty(item, in_channels, 3, 3)
        nn.init.kaiming_normal_(weight, mode="fan_out", nonlinearity="relu", generator=generator)
        state[f"{index}.weight"], state[f"{index}.bias"] = weight, torch.zeros(item)
        in_channels, index = item, index + 2
    return state


def _torchvision_state() -> dict[str, torch.Tensor]:
    from torchvision.models import VGG19_Weights

    try:
        state = VGG19_Weights.IMAGENET1K_V1.get_state_dict(progress=False, check_hash=True)
    except Exception as exc:  # URLError, hash mismatch, disk full...: all mean "no weights"
        raise WeightsError(
            f"Could not download the VGG19 weights from torchvision ({exc.__class__.__name__}: {exc}). "
            f"Set {WEIGHTS_ENV} (or --weights) to a local VGG19 weights file, "
            "or to 'random' to run with random weights (results are marked)."
        ) from None
    return state


def _file_state(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise WeightsError(f"{WEIGHTS_ENV}: no such VGG19 weights file: {path}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # pickled objects refused by weights_only, corrupt archives...
        raise WeightsError(
            f"{WEIGHTS_ENV}: {path} is not a readable VGG19 state_dict ({exc.__class__.__name__})."
        ) from None


_cache: dict[str, dict[str, torch.Tensor]] = {}
_cache_lock = threading.Lock()


def _features_state(spec: str) -> dict[str, torch.Tensor]:
    """The vgg19 `features` weights keyed "0.weight"..., loaded once per process and spec."""
    with _cache_lock:
        if spec not in _cache:
            if spec == "random":
                state = _random_state()
            else:
                state = _torchvision_state() if spec == "torchvision" else _file_state(Path(spec))
                # Accept full VGG19 state_dicts ("features.0.weight", classifier dropped) and features-only ones.
                if any(key.startswith("features.") for key in state):
                    state = {
                        key[len("features.") :]: value for key, value in state.items() if key.startswith("features.")
                    }
            _cache[spec] = {key: value.float() for key, value in state.items()}
            log.debug("loaded VGG19 weights from %s", spec)
        return _cache[spec]


def _learns(x: torch.Tensor) -> bool:
    return torch.is_grad_enabled() and x.requires_grad


class _InputGradConv(torch.autograd.Function):
    """conv2d whose backward computes the input's gradient only: it keeps the weight and the input's
    shape and layout, not the input (the saved activations are most of a Gatys step's memory)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, conv: nn.Conv2d, weight: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(weight)
        ctx.conv, ctx.shape, ctx.stride = conv, x.shape, x.stride()
        return conv._conv_forward(x, weight, conv.bias)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        (weight,) = ctx.saved_tensors
        conv = ctx.conv
        # convolution_backward reads only the input's shape and layout (which picks the algorithm, so
        # it must match the forward's for the same numbers); this unfilled stand-in is never touched.
        stand_in = grad.new_empty_strided(ctx.shape, ctx.stride)
        dx = torch.ops.aten.convolution_backward(
            grad,
            stand_in,
            weight,
            None,
            conv.stride,
            conv.padding,
            conv.dilation,
            False,
            [0],
            conv.groups,
            (True, False, False),
        )[0]
        return dx, None, None


class _MaskReLU(torch.autograd.Function):
    """ReLU that keeps a one-byte mask for its backward rather than its four-byte output."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, inplace: bool) -> torch.Tensor:
        if inplace:
            ctx.mark_dirty(x)
        out = x.relu_() if inplace else x.relu()
        ctx.save_for_backward(out > 0)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (mask,) = ctx.saved_tensors
        return torch.where(mask, grad, 0.0), None


class _IndexMaxPool(torch.autograd.Function):
    """2x2 max pooling that keeps only the indices for its backward, not its input."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        out, indices = F.max_pool2d(x, 2, 2, return_indices=True)
        ctx.save_for_backward(indices)
        ctx.size = x.shape[-2:]
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (indices,) = ctx.saved_tensors
        return F.max_unpool2d(grad, indices, 2, 2, output_size=ctx.size)  # 2x2 windows never overlap


class _FrozenConv(nn.Conv2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.weight.requires_grad or not _learns(x):
            return super().forward(x)
        return _InputGradConv.apply(x, self, self.weight)


class _FrozenReLU(nn.ReLU):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _MaskReLU.apply(x, self.inplace) if _learns(x) else super().forward(x)


class _FrozenMaxPool(nn.MaxPool2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _IndexMaxPool.apply(x) if _learns(x) else super().forward(x)


class VGGFeatures(nn.Module):
    """VGG19 activations at the named layers for images in [0, 1] (ImageNet normalisation inside).

    The network stops at the deepest layer asked for. ReLUs run in place except right after a
    conv layer whose output is returned (in place would overwrite it). `pool="avg"` swaps max
    pooling for average pooling (smoother Gatys results). The weights are frozen, so where
    gradients flow to the image its layers keep for backward only what the input's gradient needs
    (exactly autograd's numbers): convs keep no input, ReLUs a one-byte mask, max pools the indices.
    """

    def __init__(self, layers: Sequence[str], *, weights: str | None = None, pool: str = "max") -> None:
        super().__init__()
        unknown = [name for name in layers if name not in LAYER_NAMES]
        if unknown or not layers:
            raise ValueError(f"unknown VGG19 layers {unknown}; choose from {', '.join(LAYER_NAMES)}")
        if pool not in ("max", "avg"):
            raise ValueError(f"pool must be 'max' or 'avg', not {pool!r}")
        self.weights_source = resolve_weights(weights)
        self.random_weights = self.weights_source == "random"
        self.layers = tuple(dict.fromkeys(layers))
        self.pool = pool
        self.names = LAYER_NAMES[: max(LAYER_NAMES.index(name) for name in self.layers) + 1]
        modules: list[nn.Module] = []
        in_channels, config = 3, iter(item for item in _CONFIG if item != "M")
        for name in self.names:
            if name.startswith("conv"):
                out_channels = next(config)
                modules.append(_FrozenConv(in_channels, out_channels, kernel_size=3, padding=1))
                in_channels = out_channels
            elif name.startswith("relu"):
                modules.append(_FrozenReLU(inplace=name.replace("relu", "conv") not in self.layers))
            else:
                modules.append(_FrozenMaxPool(2, 2) if pool == "max" else nn.AvgPool2d(2, 2))
        self.net = nn.Sequential(*modules)
        state = _features_state(self.weights_source)
        wanted = {key: value for key, value in state.items() if int(key.split(".")[0]) < len(self.names)}
        try:
            self.net.load_state_dict(wanted)  # copies: moving this module never touches the cache
        except RuntimeError as exc:
            raise WeightsError(
                f"{self.weights_source} does not hold VGG19 weights ({str(exc).splitlines()[0]})"
            ) from None
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> VGGFeatures:
        return super().train(False)  # a frozen feature extractor: always in eval mode

    def forward(
        self, x: torch.Tensor, visit: Callable[[str, torch.Tensor], None] | None = None
    ) -> dict[str, torch.Tensor]:
        """The asked-for layers' activations by name; with `visit`, each is handed to visit(name,
        activation) as the network reaches it instead (a loss that uses each at once and keeps none
        lets backward free its gradient as soon as the layer's own backward has used it)."""
        x = (x - self.mean) / self.std
        if x.device.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)  # oneDNN's faster layout on CPU
        wanted, out = set(self.layers), {}
        for name, module in zip(self.names, self.net, strict=True):
            x = module(x)
            if name in wanted:
                if visit is None:
                    out[name] = x
                else:
                    visit(name, x)
        return out
