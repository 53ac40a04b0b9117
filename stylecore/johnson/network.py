"""Johnson fast style transfer, the network: layers, the two variants, loading and describing model files.

The "standard" network keeps the parameter names and shapes of PyTorch's fast-neural-style
example (conv1/in1 ... res1-res5 ... deconv1-deconv3), so its public ``.pth`` models import
as they are. Like the example it works on pixels in 0..255; ``stylize`` takes and returns
images in [0, 1]. The "light" network is this project's CPU variant, built so that nothing heavy
runs at full resolution: a 4x pixel-unshuffle (3 channels -> 48 at 1/4 size), a 1x1 convolution
to 64 channels, four residual blocks of depthwise-separable convolutions at 1/4 size, a
separable convolution to 64 channels that a 4x pixel-shuffle turns into 4 full-size channels,
and one small 3x3 convolution (4 -> 3 channels) at full size.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor, nn

from ..errors import ImageError, ModelFileError
from ..modelfile import is_safetensors, load_model, load_public_pth
from ..options import check_choice

VARIANTS = ("standard", "light")
PIXEL_SCALE = 255.0  # the example's networks see pixels in 0..255
_MULTIPLE = 4  # both networks work at 1/4 size: stride-2 convs / x2 upsamplings, or a 4x (un)shuffle
LIGHT_CHANNELS = 64  # at 1/4 size
LIGHT_BLOCKS = 4
LIGHT_OUT_CHANNELS = 4  # at full size, after the pixel-shuffle
MIN_SIDE = 8  # the 9x9 reflection pads need more than 4 pixels; a side at 1/4 scale needs 2
_DEPRECATED_KEY = re.compile(r"in\d+\.running_(mean|var)$")  # old InstanceNorm buffers in public .pth files


class ConvLayer(nn.Module):
    """Reflection padding then a convolution (the example's layer: keys ``conv2d.*``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> None:
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(kernel_size // 2)
        self.conv2d = nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv2d(self.reflection_pad(x))


class SeparableConvLayer(nn.Module):
    """A depthwise 3x3 and a pointwise 1x1: ~8x fewer multiply-adds than a full 3x3.

    Zero padding (inside the convolution, no extra pass over the tensor) unless ``reflect``.
    """

    def __init__(self, in_channels: int, out_channels: int, *, reflect: bool = False) -> None:
        super().__init__()
        self.reflect = reflect
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, padding=0 if reflect else 1, groups=in_channels)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        if self.reflect:
            x = F.pad(x, (1, 1, 1, 1), mode="reflect")
        return self.pointwise(self.depthwise(x))


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, *, separable: bool = False) -> None:
        super().__init__()
        make = (
            (lambda: SeparableConvLayer(channels, channels))
            if separable
            else (lambda: ConvLayer(channels, channels, 3))
        )
        self.conv1 = make()
        self.in1 = nn.InstanceNorm2d(channels, affine=True)
        self.conv2 = make()
        self.in2 = nn.InstanceNorm2d(channels, affine=True)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.in1(self.conv1(x)))
        return x + self.in2(self.conv2(y))


class UpsampleConvLayer(nn.Module):
    """Nearest x2 upsampling then a 3x3 convolution (no checkerboard artefacts of transposed convs)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(1)
        self.conv2d = nn.Conv2d(in_channels, out_channels, 3)  # the example's key names: deconvN.conv2d.*

    def forward(self, x: Tensor) -> Tensor:
        return self.conv2d(self.reflection_pad(F.interpolate(x, scale_factor=2, mode="nearest")))


class TransformerNet(nn.Module):
    """The transform network; input and output images in [0, 1], any size (padded inside)."""

    def __init__(self, *, variant: str = "standard") -> None:
        super().__init__()
        check_choice("variant", variant, VARIANTS)
        self.variant = variant
        if variant == "light":
            self._build_light()
        else:
            self._build_standard()

    def _build_standard(self) -> None:
        """The example's network and parameter names: 9x9 conv at full size, two stride-2 convs,
        five residual blocks at 1/4 size, two x2 upsampling convs and a 9x9 output conv."""
        self.conv1 = ConvLayer(3, 32, 9)
        self.in1 = nn.InstanceNorm2d(32, affine=True)
        self.conv2 = ConvLayer(32, 64, 3, stride=2)
        self.in2 = nn.InstanceNorm2d(64, affine=True)
        self.conv3 = ConvLayer(64, 128, 3, stride=2)
        self.in3 = nn.InstanceNorm2d(128, affine=True)
        self.blocks = 5
        for i in range(1, self.blocks + 1):
            self.add_module(f"res{i}", ResidualBlock(128))
        self.deconv1 = UpsampleConvLayer(128, 64)
        self.in4 = nn.InstanceNorm2d(64, affine=True)
        self.deconv2 = UpsampleConvLayer(64, 32)
        self.in5 = nn.InstanceNorm2d(32, affine=True)
        self.deconv3 = ConvLayer(32, 3, 9)

    def _build_light(self) -> None:
        """Every norm and all but one tiny convolution run at 1/4 size: the 4x4 pixel blocks
        become channels (48) on the way in and 64 channels become 4x4 blocks of 4 channels on
        the way out. The last 3x3 conv (4 -> 3 channels, ~100 multiply-adds a pixel) works at
        full size so neighbouring 4x4 blocks blend: without it trained outputs show a 4-pixel grid."""
        channels = LIGHT_CHANNELS
        self.head = nn.Conv2d(3 * _MULTIPLE**2, channels, 1)
        self.in_head = nn.InstanceNorm2d(channels, affine=True)
        self.blocks = LIGHT_BLOCKS
        for i in range(1, self.blocks + 1):
            self.add_module(f"res{i}", ResidualBlock(channels, separable=True))
        # reflection padding for the layers that shape the pixels next to the image border
        self.tail = SeparableConvLayer(channels, LIGHT_OUT_CHANNELS * _MULTIPLE**2, reflect=True)
        self.refine = ConvLayer(LIGHT_OUT_CHANNELS, 3, 3)

    def forward(self, x: Tensor) -> Tensor:
        height, width = x.shape[-2:]
        y = _pad_to_multiple(x) * PIXEL_SCALE
        if self.variant == "light":
            y = F.relu(self.in_head(self.head(F.pixel_unshuffle(y, _MULTIPLE))))
        else:
            y = F.relu(self.in1(self.conv1(y)))
            y = F.relu(self.in2(self.conv2(y)))
            y = F.relu(self.in3(self.conv3(y)))
        for i in range(1, self.blocks + 1):
            y = getattr(self, f"res{i}")(y)
        if self.variant == "light":
            y = self.refine(F.pixel_shuffle(F.relu(self.tail(y)), _MULTIPLE))
        else:
            y = F.relu(self.in4(self.deconv1(y)))
            y = F.relu(self.in5(self.deconv2(y)))
            y = self.deconv3(y)
        return (y / PIXEL_SCALE)[..., :height, :width]


def _pad_to_multiple(x: Tensor) -> Tensor:
    """Reflect-pad bottom/right so both sides are multiples of 4 (written without branches so
    an ONNX export keeps height and width dynamic)."""
    height, width = x.shape[-2:]
    return F.pad(x, (0, (-width) % _MULTIPLE, 0, (-height) % _MULTIPLE), mode="reflect")


# --- model files -------------------------------------------------------------------------------


def _variant_of(state_dict: Mapping[str, Tensor]) -> str:
    """Tell the layouts apart by their first layer: ``head`` (light) or ``conv1`` (standard)."""
    if "head.weight" in state_dict:
        return "light"
    weight = state_dict.get("conv1.conv2d.weight")
    if weight is None:
        raise ModelFileError("not a Johnson transform network (no conv1.conv2d.weight or head.weight)")
    if weight.shape[0] == 16:  # the first light design had a 16-channel full-size conv1
        raise ModelFileError(
            "this model was made with an earlier version of the light network, which no longer loads; train it again"
        )
    return "standard"


def build_transformer(state_dict: Mapping[str, Tensor], variant: str | None = None) -> TransformerNet:
    """A TransformerNet holding these weights; ModelFileError when the layout does not match."""
    state = {key: value for key, value in state_dict.items() if not _DEPRECATED_KEY.search(key)}
    found = _variant_of(state)
    if variant is not None and variant != found:
        raise ModelFileError(f"the file says {variant!r} but its weights are a {found} transform network")
    with torch.device("meta"):  # no random init: every weight comes from the file
        net = TransformerNet(variant=found)
    try:
        net.load_state_dict(state, assign=True)
    except RuntimeError as exc:
        raise ModelFileError(
            f"the weights do not fit the {net.variant} transform network ({str(exc).splitlines()[0]})"
        ) from None
    return net.eval()


def load_transformer(path: str | Path) -> tuple[TransformerNet, dict]:
    """(network, metadata) from our .safetensors model or a public fast-neural-style .pth."""
    path = Path(path)
    if path.is_file() and is_safetensors(path):
        state, meta = load_model(path)
        if meta.get("kind") != "johnson":
            raise ModelFileError(f"{path.name}: not a Johnson model (kind {meta.get('kind')!r})")
        return build_transformer(state, meta.get("variant")), meta
    state = load_public_pth(path)
    net = build_transformer(state)
    meta = {"kind": "johnson", "variant": net.variant, "style": path.stem, "source": "fast-neural-style .pth"}
    return net, meta


def model_metadata(net: TransformerNet, *, style: str, training: dict, preview: Image.Image | None = None) -> dict:
    """The metadata our .safetensors model files carry (read back by load_transformer)."""
    meta = {"kind": "johnson", "variant": net.variant, "style": style, "training": training}
    if preview is not None:
        meta["preview_png"] = _png_base64(preview)
    return meta


def _png_base64(img: Image.Image, side: int = 128) -> str:
    """A small preview for the model list, kept inside the model file."""
    thumb = img.copy()
    thumb.thumbnail((side, side))
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --- running ------------------------------------------------------------------------------------


def check_size(image: Tensor) -> None:
    """ImageError when a side is under MIN_SIDE (the reflection pads need more)."""
    if min(image.shape[-2:]) < MIN_SIDE:
        raise ImageError(f"The image is too small: {image.shape[-1]}x{image.shape[-2]} pixels (at least {MIN_SIDE}).")


def stylize(net: TransformerNet, image: Tensor) -> Tensor:
    """(B, 3, H, W) in [0, 1] -> the same size stylized, clamped to [0, 1]; any H, W >= 8."""
    check_size(image)
    with torch.inference_mode():
        return net(image).clamp_(0, 1)
