"""Chen & Schmidt (2016) style swap: any style in one pass, with an inverse network trained once.

Content and style are encoded with VGG19 up to relu3_1. Every content patch is replaced by
the style patch with the highest normalised cross-correlation: one convolution of the content
features with the normalised style patches, an argmax over patches (a one-hot map), and the
transposed convolution of that map with the unnormalised patches, divided by how many patches
overlap each position. The inverse network (a mirror of VGG19 up to relu3_1) turns the swapped
features back into an image; it is trained on content and style photos with the loss
||VGG(decoder(F)) - F||^2 + TV, not per style.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor, nn

from .devices import describe_device, pick_device
from .errors import ImageError, ModelFileError, OptionError, check_number
from .features import VGGFeatures
from .images import (
    MAX_SIDE,
    image_to_tensor,
    load_image,
    output_format,
    save_image,
    tensor_to_image,
)
from .johnson import PhotoFolder, checkpoint_path, training_loop
from .losses import total_variation
from .modelfile import is_untrained, load_model, save_model
from .progress import Progress, ProgressCallback
from .record import RunRecord

log = logging.getLogger(__name__)

LAYER = "relu3_1"
MIN_SIDE = 16  # relu3_1 is at 1/4 size; a 3x3 patch needs at least 3 feature pixels
_CONV_BUDGET = 1 << 25  # floats of patch scores held at once (128 MiB); more patches go in chunks


class InverseNet(nn.Module):
    """relu3_1 features (256 channels, 1/4 size) -> image in [0, 1]: VGG19's first layers mirrored,
    max pooling replaced by nearest x2 upsampling; instance norm optional."""

    _LAYOUT = ((256, 128), "up", (128, 128), (128, 64), "up", (64, 64), (64, 3))

    def __init__(self, *, instance_norm: bool = False) -> None:
        super().__init__()
        self.instance_norm = instance_norm
        layers: list[nn.Module] = []
        for index, item in enumerate(self._LAYOUT):
            if item == "up":
                layers.append(nn.Upsample(scale_factor=2, mode="nearest"))
                continue
            c_in, c_out = item
            layers += [nn.ReflectionPad2d(1), nn.Conv2d(c_in, c_out, 3)]
            if index < len(self._LAYOUT) - 1:
                if instance_norm:
                    layers.append(nn.InstanceNorm2d(c_out, affine=True))
                layers.append(nn.ReLU(inplace=True))
        self.layers = nn.Sequential(*layers)

    def forward(self, features: Tensor) -> Tensor:
        return self.layers(features)


# --- the swap ----------------------------------------------------------------------------------


def _style_patches(style: Tensor, patch: int, stride: int) -> Tensor:
    """(1, C, h, w) -> (L, C, patch, patch): every patch of the style features at this stride."""
    channels = style.shape[1]
    columns = F.unfold(style, patch, stride=stride)  # (1, C*k*k, L)
    return columns[0].t().reshape(-1, channels, patch, patch)


def _best_patches(content: Tensor, normalised: Tensor, stride: int) -> Tensor:
    """Index of the best-correlated style patch at each patch position: (H', W') long.

    The correlation is one convolution with the normalised patches (the content patch's own
    norm is the same for every candidate, so it does not change the argmax). Patches go in
    chunks so the score tensor stays under _CONV_BUDGET floats.
    """
    positions = ((content.shape[-2] - normalised.shape[-2]) // stride + 1) * (
        (content.shape[-1] - normalised.shape[-1]) // stride + 1
    )
    chunk = max(1, _CONV_BUDGET // max(1, positions))
    best_score, best_index = None, None
    for start in range(0, normalised.shape[0], chunk):
        scores = F.conv2d(content, normalised[start : start + chunk], stride=stride)[0]  # (chunk, H', W')
        score, index = scores.max(dim=0)
        index += start
        if best_score is None:
            best_score, best_index = score, index
        else:
            better = score > best_score
            best_score = torch.where(better, score, best_score)
            best_index = torch.where(better, index, best_index)
    return best_index


def style_swap(content: Tensor, style: Tensor, *, patch: int = 3, stride: int = 1) -> Tensor:
    """Swapped features, same shape as ``content`` (1, C, H, W); ``style`` is (1, C, h, w).

    The transposed convolution of the one-hot argmax map with the raw patches is computed as
    ``fold`` of the chosen patches: the same sums, without materialising the (L, H', W') one-hot
    map, which at a 256 px style and a 512 px content would be ~270 MB and 150 GFLOP.
    """
    if min(style.shape[-2:]) < patch or min(content.shape[-2:]) < patch:
        raise ImageError("An image is too small for this patch size.")
    height, width = content.shape[-2:]
    # pad bottom/right so the patches tile the content exactly at this stride
    pad_h, pad_w = (-(height - patch)) % stride, (-(width - patch)) % stride
    padded = F.pad(content, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else content
    patches = _style_patches(style, patch, stride)
    norms = patches.flatten(1).norm(dim=1).clamp_min(1e-8)
    index = _best_patches(padded, patches / norms.view(-1, 1, 1, 1), stride)
    chosen = patches.flatten(1)[index.flatten()]  # (H'*W', C*k*k)
    size = padded.shape[-2:]
    summed = F.fold(chosen.t().unsqueeze(0), size, patch, stride=stride)
    overlaps = F.fold(torch.ones_like(chosen).t().unsqueeze(0), size, patch, stride=stride)
    return (summed / overlaps)[..., :height, :width]


# --- inference ---------------------------------------------------------------------------------


@dataclass
class ChenConfig:
    patch: int = 3  # style patch side, in relu3_1 feature pixels
    stride: int = 1
    style_size: int | None = 256  # longer side of the style image; None keeps it as it is
    size: int | None = None  # longer side of the output; None keeps the content's size

    def __post_init__(self) -> None:
        check_number("patch", self.patch, 1, 9, integer=True)
        check_number("stride", self.stride, 1, self.patch, integer=True)
        if self.style_size is not None:
            check_number("style_size", self.style_size, MIN_SIDE, 1024, integer=True)
        if self.size is not None:
            check_number("size", self.size, MIN_SIDE, MAX_SIDE, integer=True)

    def to_params(self) -> dict:
        return asdict(self)


@dataclass
class ChenResult:
    image: Tensor  # (1, 3, H, W) in [0, 1] at the content's size
    seconds: dict[str, float]  # encode / swap / decode


def stylize(
    content: Tensor,
    style: Tensor,
    config: ChenConfig,
    *,
    decoder: InverseNet,
    encoder: VGGFeatures,
    on_progress: ProgressCallback | None = None,
) -> ChenResult:
    """Content (1, 3, H, W) and style (1, 3, h, w) in [0, 1] -> stylized, with stage timings.

    Three short stages: progress is reported for each, a stop request cannot cut one short.
    """
    for image in (content, style):
        if min(image.shape[-2:]) < MIN_SIDE:
            raise ImageError(
                f"An image is too small: {image.shape[-1]}x{image.shape[-2]} pixels (at least {MIN_SIDE})."
            )
    height, width = content.shape[-2:]
    seconds: dict[str, float] = {}

    def stage(name: str, step: int) -> None:
        if on_progress is not None:
            on_progress(Progress(step=step, total=3, stage=name))

    with torch.inference_mode():
        tick = time.perf_counter()
        stage("encode", 0)
        content_features = encoder(content)[LAYER].contiguous()
        style_features = encoder(style)[LAYER].contiguous()
        seconds["encode"] = time.perf_counter() - tick
        tick = time.perf_counter()
        stage("swap", 1)
        swapped = style_swap(content_features, style_features, patch=config.patch, stride=config.stride)
        seconds["swap"] = time.perf_counter() - tick
        tick = time.perf_counter()
        stage("decode", 2)
        image = decoder(swapped).clamp_(0, 1)
        # VGG's pooling floors odd sides; bring the result back to the content's exact size
        if image.shape[-2:] != (height, width):
            image = F.interpolate(image, size=(height, width), mode="bilinear", align_corners=False)
        seconds["decode"] = time.perf_counter() - tick
        stage("decode", 3)
    return ChenResult(image=image, seconds={k: round(v, 4) for k, v in seconds.items()})


def load_decoder(path: str | Path) -> tuple[InverseNet, dict]:
    state, meta = load_model(path)
    if meta.get("kind") != "chen-decoder":
        raise ModelFileError(f"{Path(path).name}: not a Chen inverse network (kind {meta.get('kind')!r})")
    net = InverseNet(instance_norm=bool(meta.get("instance_norm")))
    try:
        net.load_state_dict(state)
    except RuntimeError as exc:
        raise ModelFileError(
            f"{Path(path).name}: weights do not fit the inverse network ({str(exc).splitlines()[0]})"
        ) from None
    return net.eval(), meta


def run_files(
    content: Path,
    style: Path,
    output: Path,
    config: ChenConfig,
    *,
    decoder: Path,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Load content and style, swap, decode, and save the result with its RunRecord."""
    output_format(output)
    started = time.perf_counter()
    torch_device = pick_device(device)
    net, meta = load_decoder(decoder)
    trained = meta.get("training", {})
    vgg_spec = trained.get("weights")  # the decoder only inverts the VGG it was trained against
    encoder = VGGFeatures((LAYER,), weights=vgg_spec).to(torch_device)
    loaded = load_image(content, size=config.size)
    style_image = load_image(style, size=config.style_size).rgb
    result = stylize(
        image_to_tensor(loaded.rgb, torch_device),
        image_to_tensor(style_image, torch_device),
        config,
        decoder=net.to(torch_device),
        encoder=encoder,
        on_progress=on_progress,
    )
    record = RunRecord(
        algorithm="chen",
        params={**config.to_params(), "decoder": Path(decoder).name, "seconds": result.seconds},
        device=describe_device(torch_device),
        weights=f"{encoder.weights_source} (decoder {Path(decoder).name})",
        random_weights=encoder.random_weights or is_untrained(meta),
        seconds=round(time.perf_counter() - started, 3),
        steps_done=1,
    )
    save_image(tensor_to_image(result.image), output, record=record, alpha=loaded.alpha)
    log.info("chen: %s in %.2f s -> %s", result.seconds, record.seconds, output)
    return record


# --- inverse-network training ------------------------------------------------------------------


@dataclass
class DecoderTrainConfig:
    size: int = 256  # training crops, pixels square
    batch: int = 4
    steps: int = 4000
    lr: float = 1e-3
    tv_weight: float = 1e-5  # relative to the feature loss
    instance_norm: bool = False
    checkpoint_every: int = 500  # 0: no checkpoints
    preview_every: int = 0
    seed: int = 42
    weights: str | None = None  # VGG19 weights spec; None: the STYLECORE_VGG_WEIGHTS setting

    def __post_init__(self) -> None:
        check_number("size", self.size, 32, 1024, integer=True)
        check_number("batch", self.batch, 2, 64, integer=True)
        check_number("steps", self.steps, 1, 1_000_000, integer=True)
        check_number("lr", self.lr, 1e-7, 1.0)
        check_number("tv_weight", self.tv_weight, 0, 1e6)
        check_number("checkpoint_every", self.checkpoint_every, 0, 1_000_000, integer=True)
        check_number("preview_every", self.preview_every, 0, 1_000_000, integer=True)
        check_number("seed", self.seed, 0, 2**63 - 1, integer=True)

    def to_params(self) -> dict:
        return asdict(self)


@dataclass
class DecoderTrainResult:
    net: InverseNet
    steps_done: int
    stopped: bool
    losses: dict[str, float]
    vgg_weights: str
    random_weights: bool


def train_decoder(
    contents: PhotoFolder,
    styles: PhotoFolder,
    config: DecoderTrainConfig,
    *,
    device: torch.device,
    checkpoint: Path | None = None,
    resume: bool = False,
    on_progress: ProgressCallback | None = None,
) -> DecoderTrainResult:
    """Train the inverse network: each batch is half content photos, half style images.

    Loss: mean squared difference between F = VGG(photo) at relu3_1 and VGG(decoder(F)), plus
    TV of the decoded image. Chen & Schmidt also feed style-swapped features; this trains on
    plain features only (a swap per step would triple CPU training time).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        net = InverseNet(instance_norm=config.instance_norm).to(device)
    vgg = VGGFeatures((LAYER,), weights=config.weights).to(device)
    half = config.batch // 2

    def batches(step: int) -> Tensor:
        return torch.cat(
            [
                contents.batch(step, config.batch - half, config.seed, device),
                styles.batch(step, half, config.seed + 1, device),
            ]
        )

    def loss_parts(batch: Tensor) -> dict[str, Tensor]:
        with torch.no_grad():
            target = vgg(batch)[LAYER]
        decoded = net(target)
        feature = F.mse_loss(vgg(decoded)[LAYER], target)
        tv = config.tv_weight * total_variation(decoded)
        return {"feature": feature, "tv": tv, "total": feature + tv}

    fixed = contents.first(device)

    def preview() -> Image.Image:
        with torch.no_grad():
            return tensor_to_image(net(vgg(fixed)[LAYER]).clamp(0, 1))

    result = training_loop(
        net,
        loss_parts,
        batches,
        steps=config.steps,
        lr=config.lr,
        checkpoint=checkpoint,
        checkpoint_every=config.checkpoint_every,
        checkpoint_meta={"kind": "chen-decoder", "variant": "in" if config.instance_norm else "plain"},
        resume=resume,
        preview=preview,
        preview_every=config.preview_every,
        on_progress=on_progress,
    )
    return DecoderTrainResult(
        net=net,
        steps_done=result.steps_done,
        stopped=result.stopped,
        losses=result.losses,
        vgg_weights=vgg.weights_source,
        random_weights=vgg.random_weights,
    )


def train_files(
    content_data: Path,
    style_data: Path,
    output: Path,
    config: DecoderTrainConfig,
    *,
    resume: bool = False,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Train the inverse network on two photo folders and save it (a partial one when stopped)."""
    output = Path(output)
    if output.suffix != ".safetensors":
        raise OptionError("output", f"the decoder file name must end in .safetensors, not {output.name!r}")
    started = time.perf_counter()
    torch_device = pick_device(device)
    contents = PhotoFolder(content_data, config.size, field="content_data")
    styles = PhotoFolder(style_data, config.size, field="style_data")
    checkpoint = checkpoint_path(output)
    result = train_decoder(
        contents, styles, config, device=torch_device, checkpoint=checkpoint, resume=resume, on_progress=on_progress
    )
    training = {
        **config.to_params(),
        "weights": result.vgg_weights,
        "steps_done": result.steps_done,
        "stopped": result.stopped,
        "photos": len(contents) + len(styles),
        "random_weights": result.random_weights,
        "final_losses": result.losses,
    }
    meta = {"kind": "chen-decoder", "variant": "relu3_1", "instance_norm": config.instance_norm, "training": training}
    save_model(output, result.net.to("cpu").state_dict(), meta)
    if not result.stopped:
        checkpoint.unlink(missing_ok=True)
    record = RunRecord(
        algorithm="chen-train",
        params={**config.to_params(), "photos": len(contents) + len(styles)},
        device=describe_device(torch_device),
        weights=result.vgg_weights,
        random_weights=result.random_weights,
        seconds=round(time.perf_counter() - started, 3),
        steps_done=result.steps_done,
        stopped=result.stopped,
        final_losses=result.losses,
    )
    log.info("chen-train: %d steps in %.1f s -> %s", result.steps_done, record.seconds, output)
    return record
