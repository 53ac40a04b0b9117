"""Johnson fast style transfer: a feed-forward transform network trained once per style.

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
import logging
import math
import re
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
from torch import Tensor, nn

from .devices import describe_device, pick_device
from .errors import ImageError, ModelFileError, OptionError, StylecoreError, check_number
from .features import VGGFeatures
from .images import (
    MAX_SIDE,
    image_to_tensor,
    load_image,
    output_format,
    save_image,
    tensor_to_image,
)
from .losses import content_loss, gram_matrix, style_loss, total_variation
from .modelfile import (
    is_safetensors,
    is_untrained,
    load_checkpoint,
    load_model,
    load_public_pth,
    save_checkpoint,
    save_model,
)
from .progress import Progress, ProgressCallback
from .record import RunRecord

log = logging.getLogger(__name__)

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
        if variant not in VARIANTS:
            raise OptionError("variant", f"must be one of {', '.join(VARIANTS)}, not {variant!r}")
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


def onnx_bytes(net: TransformerNet, *, opset: int = 17) -> bytes:
    """The network as ONNX with dynamic height and width; input "image", output "stylized", both in [0, 1].

    Uses the TorchScript exporter (``dynamo=False``): here it exports in about a second where
    the dynamo exporter takes close to a minute, and both graphs give the same numbers.
    """
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation and constant-folding notes are not for users
        torch.onnx.export(
            net.eval(),
            (torch.rand(1, 3, 64, 64),),
            buffer,
            dynamo=False,
            opset_version=opset,
            input_names=["image"],
            output_names=["stylized"],
            dynamic_axes={
                "image": {0: "batch", 2: "height", 3: "width"},
                "stylized": {0: "batch", 2: "height", 3: "width"},
            },
        )
    return buffer.getvalue()


def export_onnx(model: str | Path, output: str | Path) -> Path:
    """Export a model file (ours or a public .pth) to an ONNX file."""
    net, _ = load_transformer(model)
    output = Path(output)
    output.write_bytes(onnx_bytes(net))
    return output


@dataclass
class LoadedModel:
    net: TransformerNet
    meta: dict
    session: object | None = None  # ONNX Runtime session, made on first CPU use


_loaded: OrderedDict[tuple[str, int], LoadedModel] = OrderedDict()
_CACHED_MODELS = 4  # models kept ready in a long-lived worker


def cached_model(model: str | Path) -> LoadedModel:
    """load_transformer, kept per process and file version (path + mtime) for repeated runs."""
    path = Path(model)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _loaded:
        _loaded[key] = LoadedModel(*load_transformer(path))
        while len(_loaded) > _CACHED_MODELS:
            _loaded.popitem(last=False)
    _loaded.move_to_end(key)
    return _loaded[key]


def onnx_session(loaded: LoadedModel) -> object:
    """The model's ONNX Runtime CPU session, exported once per process."""
    if loaded.session is None:
        import onnxruntime  # imported here: only the CPU inference path needs it

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        loaded.session = onnxruntime.InferenceSession(
            onnx_bytes(loaded.net), options, providers=["CPUExecutionProvider"]
        )
    return loaded.session


# --- inference ---------------------------------------------------------------------------------


def _check_size(image: Tensor) -> None:
    if min(image.shape[-2:]) < MIN_SIDE:
        raise ImageError(f"The image is too small: {image.shape[-1]}x{image.shape[-2]} pixels (at least {MIN_SIDE}).")


def stylize(net: TransformerNet, image: Tensor) -> Tensor:
    """(B, 3, H, W) in [0, 1] -> the same size stylized, clamped to [0, 1]; any H, W >= 8."""
    _check_size(image)
    with torch.inference_mode():
        return net(image).clamp_(0, 1)


@dataclass
class JohnsonConfig:
    size: int | None = None  # longer side of the output; None keeps the input size

    def __post_init__(self) -> None:
        if self.size is not None:
            check_number("size", self.size, MIN_SIDE, MAX_SIDE, integer=True)

    def to_params(self) -> dict:
        return asdict(self)


ENGINES = ("auto", "torch", "onnx")


def frame_function(
    loaded: LoadedModel, device: torch.device, engine: str = "auto"
) -> tuple[Callable[[Tensor], Tensor], str]:
    """(B, 3, H, W) in [0, 1] on `device` -> stylized, and the engine used.

    "auto" runs on ONNX Runtime when the device is the CPU (about twice as fast as eager
    PyTorch there; the export is cached per process and model file) and on PyTorch otherwise.
    Photos, video frames and webcam frames all go through here.
    """
    if engine not in ENGINES:
        raise OptionError("engine", f"must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "auto":
        engine = "onnx" if device.type == "cpu" else "torch"
    if engine == "onnx" and device.type != "cpu":
        raise OptionError("engine", "the onnx engine runs on the CPU only")
    if engine == "torch":
        net = loaded.net.to(device)
        return (lambda image: stylize(net, image)), engine
    session = onnx_session(loaded)

    def run_onnx(image: Tensor) -> Tensor:
        _check_size(image)
        (array,) = session.run(None, {"image": image.contiguous().numpy()})
        return torch.from_numpy(array)

    return run_onnx, engine


def run_files(
    model: Path,
    content: Path,
    output: Path,
    *,
    size: int | None = None,
    device: str | None = None,
    engine: str = "auto",
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Stylize one photo with a trained model and save it with its RunRecord.

    ``engine``: see frame_function. One forward pass: progress is reported, but a stop
    request cannot cut it short.
    """
    config = JohnsonConfig(size=size)
    output_format(output)
    started = time.perf_counter()
    torch_device = pick_device(device)
    model_state = cached_model(model)
    net, meta = model_state.net, model_state.meta
    run, engine = frame_function(model_state, torch_device, engine)
    loaded = load_image(content, size=config.size)
    if on_progress is not None:
        on_progress(Progress(step=0, total=1, stage="stylize"))
    result = run(image_to_tensor(loaded.rgb, torch_device))
    if on_progress is not None:
        on_progress(Progress(step=1, total=1, stage="stylize"))
    trained = meta.get("training", {})
    record = RunRecord(
        algorithm="johnson",
        params={
            **config.to_params(),
            "model": Path(model).name,
            "style": meta.get("style"),
            "variant": net.variant,
            "engine": engine,
        },
        device=describe_device(torch_device),
        weights=f"{Path(model).name} (VGG for training: {trained.get('vgg_weights', 'unknown')})",
        random_weights=is_untrained(meta),
        seconds=round(time.perf_counter() - started, 3),
        steps_done=1,
    )
    save_image(tensor_to_image(result), output, record=record, alpha=loaded.alpha)
    log.info("johnson: %s in %.2f s -> %s", Path(model).name, record.seconds, output)
    return record


# --- training ----------------------------------------------------------------------------------

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})
_CACHE_LIMIT = 2048  # decoded crops kept in memory (uint8, 192 KiB each at 256 px)


class PhotoFolder:
    """The photos under a folder (recursively) as square training crops, loaded on demand.

    Batches are drawn from a generator seeded with (seed, step), so a resumed run sees the same
    batches it would have seen without the interruption. Unreadable files are skipped with a
    warning rather than ending a long training run.
    """

    def __init__(self, root: str | Path, size: int, *, field: str = "data") -> None:
        root = Path(root)
        if not root.is_dir():
            raise OptionError(field, f"not a folder: {root}")
        self.files = sorted(p for p in root.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file())
        if not self.files:
            raise OptionError(field, f"no photos (.jpg, .png, ...) under {root}")
        self.size = size
        self.field = field
        self._cache: dict[int, Tensor] = {}
        self._bad: set[int] = set()

    def __len__(self) -> int:
        return len(self.files)

    def crop(self, index: int) -> Tensor | None:
        """(3, size, size) uint8: shorter side scaled to size, centre crop; None when unreadable."""
        if index in self._cache:
            return self._cache[index]
        if index in self._bad:
            return None
        try:
            img = load_image(self.files[index]).rgb
        except StylecoreError as exc:
            log.warning("skipping %s: %s", self.files[index], exc)
            self._bad.add(index)
            return None
        img = ImageOps.fit(img, (self.size, self.size), Image.Resampling.BILINEAR)
        crop = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[index] = crop
        return crop

    def batch(self, step: int, batch: int, seed: int, device: torch.device) -> Tensor:
        """(batch, 3, size, size) float in [0, 1] for this step."""
        generator = torch.Generator().manual_seed(seed * 1_000_003 + step)
        crops: list[Tensor] = []
        for _ in range(50 * batch):
            index = int(torch.randint(len(self.files), (1,), generator=generator))
            crop = self.crop(index)
            if crop is not None:
                crops.append(crop)
                if len(crops) == batch:
                    return torch.stack(crops).to(device=device, dtype=torch.float32).div_(255.0)
        raise OptionError(self.field, "none of the photos could be read")

    def first(self, device: torch.device) -> Tensor:
        """The fixed preview photo: the first readable one, (1, 3, size, size)."""
        for index in range(len(self.files)):
            crop = self.crop(index)
            if crop is not None:
                return crop.unsqueeze(0).to(device=device, dtype=torch.float32).div_(255.0)
        raise OptionError(self.field, "none of the photos could be read")


@dataclass
class LoopResult:
    steps_done: int
    stopped: bool
    losses: dict[str, float]  # the last step's loss parts, total and images_per_s


def training_loop(
    net: nn.Module,
    loss_parts: Callable[[Tensor], dict[str, Tensor]],
    batches: Callable[[int], Tensor],
    *,
    steps: int,
    lr: float,
    checkpoint: Path | None,
    checkpoint_every: int,
    checkpoint_meta: dict,
    resume: bool,
    preview: Callable[[], Image.Image] | None,
    preview_every: int,
    on_progress: ProgressCallback | None,
) -> LoopResult:
    """Adam on ``loss_parts(batch)["total"]``: checkpoints, resume, progress and stop requests.

    Shared by Johnson and Chen training. ``batches(step)`` gives the batch for a 0-based step;
    a checkpoint stores the weights, Adam's state and the step, so resuming continues exactly.
    """
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    start = 0
    if resume and checkpoint is not None and checkpoint.is_file():
        state, optim_state, meta = load_checkpoint(checkpoint)
        if meta.get("kind") != checkpoint_meta.get("kind") or meta.get("variant") != checkpoint_meta.get("variant"):
            raise OptionError("resume", f"{checkpoint.name} is a checkpoint of a different network")
        net.load_state_dict(state)
        optimizer.load_state_dict(optim_state)
        start = int(meta["step"])
        log.info("resuming from %s at step %d", checkpoint.name, start)
    net.train()
    losses: dict[str, float] = {}
    stopped = False
    images, busy = 0, 0.0
    step = start
    while step < steps:
        tick = time.perf_counter()
        batch = batches(step)
        optimizer.zero_grad(set_to_none=True)
        parts = loss_parts(batch)
        parts["total"].backward()
        optimizer.step()
        step += 1
        losses = {name: float(value.detach()) for name, value in parts.items()}
        if not math.isfinite(losses["total"]):
            raise StylecoreError("Training diverged (the loss is not finite); try a lower learning rate.")
        busy += time.perf_counter() - tick
        images += batch.shape[0]
        losses["images_per_s"] = round(images / busy, 3)
        if checkpoint is not None and checkpoint_every and step % checkpoint_every == 0 and step < steps:
            save_checkpoint(checkpoint, net.state_dict(), optimizer.state_dict(), {**checkpoint_meta, "step": step})
        if on_progress is not None:
            shown = None
            if preview is not None and preview_every and step % preview_every == 0:
                shown = preview()
            if on_progress(Progress(step=step, total=steps, losses=losses, preview=shown, stage="train")):
                stopped = True
                if checkpoint is not None:  # so a stopped run can be resumed later
                    save_checkpoint(
                        checkpoint, net.state_dict(), optimizer.state_dict(), {**checkpoint_meta, "step": step}
                    )
                break
    net.eval()
    return LoopResult(steps_done=step, stopped=stopped, losses=losses)


STYLE_LAYERS = ("relu1_2", "relu2_2", "relu3_3", "relu4_3")
CONTENT_LAYER = "relu2_2"


@dataclass
class TrainConfig:
    variant: str = "standard"
    size: int = 256  # training crops, pixels square
    style_size: int | None = 512  # longer side of the style image; None keeps it as it is
    batch: int = 4
    steps: int = 2000
    lr: float = 1e-3
    content_weight: float = 1e5  # the example's weights (VGG on [0, 1] images, Grams over C*H*W)
    style_weight: float = 1e10
    tv_weight: float = 1e3
    checkpoint_every: int = 500  # 0: no checkpoints
    preview_every: int = 0  # 0: no previews
    seed: int = 42
    weights: str | None = None  # VGG19 weights spec; None: the STYLECORE_VGG_WEIGHTS setting

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise OptionError("variant", f"must be one of {', '.join(VARIANTS)}, not {self.variant!r}")
        check_number("size", self.size, 32, 1024, integer=True)
        if self.style_size is not None:
            check_number("style_size", self.style_size, 32, 2048, integer=True)
        check_number("batch", self.batch, 1, 64, integer=True)
        check_number("steps", self.steps, 1, 1_000_000, integer=True)
        check_number("lr", self.lr, 1e-7, 1.0)
        for name in ("content_weight", "style_weight", "tv_weight"):
            check_number(name, getattr(self, name), 0, 1e15)
        check_number("checkpoint_every", self.checkpoint_every, 0, 1_000_000, integer=True)
        check_number("preview_every", self.preview_every, 0, 1_000_000, integer=True)
        check_number("seed", self.seed, 0, 2**63 - 1, integer=True)

    def to_params(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    net: TransformerNet
    steps_done: int
    stopped: bool
    losses: dict[str, float]
    vgg_weights: str
    random_weights: bool


def checkpoint_path(output: str | Path) -> Path:
    """Where training keeps its checkpoint next to the model: <name>.checkpoint.safetensors."""
    output = Path(output)
    return output.with_name(f"{output.stem}.checkpoint.safetensors")


def train(
    style: Tensor,
    photos: PhotoFolder,
    config: TrainConfig,
    *,
    device: torch.device,
    checkpoint: Path | None = None,
    resume: bool = False,
    on_progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train a transform network for one style image (1, 3, h, w) in [0, 1] on the photos."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        net = TransformerNet(variant=config.variant).to(device)
    vgg = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights=config.weights).to(device)
    with torch.no_grad():
        style_features = vgg(style.to(device))
        style_grams = {name: gram_matrix(style_features[name]) for name in STYLE_LAYERS}
    del style_features

    def loss_parts(batch: Tensor) -> dict[str, Tensor]:
        out = net(batch)
        with torch.no_grad():
            target = {CONTENT_LAYER: vgg(batch)[CONTENT_LAYER]}
        features = vgg(out)
        return _weighted(
            content=config.content_weight * content_loss(features, target),
            style=config.style_weight * style_loss(features, style_grams),
            tv=config.tv_weight * total_variation(out),
        )

    fixed = photos.first(device)

    def preview() -> Image.Image:
        with torch.no_grad():
            return tensor_to_image(net(fixed))

    result = training_loop(
        net,
        loss_parts,
        lambda step: photos.batch(step, config.batch, config.seed, device),
        steps=config.steps,
        lr=config.lr,
        checkpoint=checkpoint,
        checkpoint_every=config.checkpoint_every,
        checkpoint_meta={"kind": "johnson", "variant": config.variant, "training": config.to_params()},
        resume=resume,
        preview=preview,
        preview_every=config.preview_every,
        on_progress=on_progress,
    )
    return TrainResult(
        net=net,
        steps_done=result.steps_done,
        stopped=result.stopped,
        losses=result.losses,
        vgg_weights=vgg.weights_source,
        random_weights=vgg.random_weights,
    )


def _weighted(**parts: Tensor) -> dict[str, Tensor]:
    parts["total"] = sum(parts.values())
    return parts


def train_files(
    style: Path,
    data: Path,
    output: Path,
    config: TrainConfig,
    *,
    style_name: str | None = None,
    resume: bool = False,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Train on the photos under ``data`` and save the model (a partial one when stopped).

    Checkpoints go to ``checkpoint_path(output)`` every ``checkpoint_every`` steps and when a
    stop is requested; a finished run removes it. ``resume=True`` continues from one if present.
    """
    output = Path(output)
    if output.suffix != ".safetensors":
        raise OptionError("output", f"the model file name must end in .safetensors, not {output.name!r}")
    started = time.perf_counter()
    torch_device = pick_device(device)
    style_tensor = image_to_tensor(load_image(style, size=config.style_size).rgb, torch_device)
    photos = PhotoFolder(data, config.size)
    checkpoint = checkpoint_path(output)
    result = train(
        style_tensor, photos, config, device=torch_device, checkpoint=checkpoint, resume=resume, on_progress=on_progress
    )
    name = style_name or Path(style).stem
    training = {
        **config.to_params(),
        "steps_done": result.steps_done,
        "stopped": result.stopped,
        "photos": len(photos),
        "vgg_weights": result.vgg_weights,
        "random_weights": result.random_weights,
        "final_losses": result.losses,
    }
    result.net.to("cpu")
    preview = tensor_to_image(stylize(result.net, photos.first(torch.device("cpu"))))
    save_model(
        output, result.net.state_dict(), model_metadata(result.net, style=name, training=training, preview=preview)
    )
    if not result.stopped:
        checkpoint.unlink(missing_ok=True)
    record = RunRecord(
        algorithm="johnson-train",
        params={**config.to_params(), "style": name, "photos": len(photos)},
        device=describe_device(torch_device),
        weights=result.vgg_weights,
        random_weights=result.random_weights,
        seconds=round(time.perf_counter() - started, 3),
        steps_done=result.steps_done,
        stopped=result.stopped,
        final_losses=result.losses,
    )
    log.info("johnson-train: %d steps in %.1f s -> %s", result.steps_done, record.seconds, output)
    return record
