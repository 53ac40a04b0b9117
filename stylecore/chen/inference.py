"""Chen style swap on files: any style in one pass, with a trained inverse network.

Content and style are encoded with VGG19 up to relu3_1, the content features are swapped for
style patches (swap.py), and the inverse network (network.py) decodes the result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

from .. import masks as region_masks
from .. import tiles
from ..devices import describe_device, pick_device
from ..errors import ImageError, OptionError
from ..features import VGGFeatures
from ..finish import FinishOptions, save_finished
from ..images import MAX_SIDE, image_to_tensor, load_image, output_format
from ..modelfile import is_untrained
from ..options import check_choice, check_number
from ..progress import Progress, ProgressCallback, StopRequested
from ..record import RunRecord
from .network import LAYER, InverseNet, load_decoder
from .swap import SEARCHES, encode_style, swap_patches

log = logging.getLogger(__name__)

MIN_SIDE = 16  # relu3_1 is at 1/4 size; a 3x3 patch needs at least 3 feature pixels


@dataclass
class ChenConfig(FinishOptions):
    patch: int = 3  # style patch side, in relu3_1 feature pixels
    stride: int = 1
    style_size: int | None = 256  # longer side of the style image; None keeps it as it is
    size: int | None = None  # longer side of the output; None keeps the content's size
    search: str = "fast"  # "fast": projected shortlist + exact re-rank; "exact": every patch (swap.py)
    tile: int | None = None  # tile side (tiles.py); None: tiles above tiles.TILE_ABOVE px, 0: never

    def validate(self) -> None:
        super().validate()
        tiles.check_tile(self.tile)
        check_number("patch", self.patch, 1, 9, integer=True)
        check_number("stride", self.stride, 1, self.patch, integer=True)
        check_number("style_size", self.style_size, MIN_SIDE, 1024, integer=True, optional=True)
        check_number("size", self.size, MIN_SIDE, MAX_SIDE, integer=True, optional=True)
        check_choice("search", self.search, SEARCHES)


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
    tile: int | None = None,
) -> ChenResult:
    """Content (1, 3, H, W) and style (1, 3, h, w) in [0, 1] -> stylized, with stage timings.

    Three short stages: progress is reported for each, a stop request cannot cut one short. With
    ``tile``, the content goes through encode, swap and decode one tile at a time (tiles.py), each
    tile reported as a step of the "tiles" stage, and a stop request raises StopRequested between
    tiles; the style is encoded once.
    """
    for image in (content, style):
        if min(image.shape[-2:]) < MIN_SIDE:
            raise ImageError(
                f"An image is too small: {image.shape[-1]}x{image.shape[-2]} pixels (at least {MIN_SIDE})."
            )
    seconds = dict.fromkeys(("encode", "swap", "decode"), 0.0)

    def stage(name: str, step: int) -> None:
        if on_progress is not None and tile is None:
            on_progress(Progress(step=step, total=3, stage=name))

    def paint(part: Tensor) -> Tensor:
        """Content (or a tile of it) -> its stylized pixels."""
        height, width = part.shape[-2:]
        tick = time.perf_counter()
        stage("encode", 0)
        content_features = encoder(part)[LAYER].contiguous()
        seconds["encode"] += time.perf_counter() - tick
        tick = time.perf_counter()
        stage("swap", 1)
        swapped = swap_patches(content_features, patches, stride=config.stride)
        seconds["swap"] += time.perf_counter() - tick
        tick = time.perf_counter()
        stage("decode", 2)
        image = decoder(swapped).clamp_(0, 1)
        # VGG's pooling floors odd sides; bring the result back to the content's exact size
        if image.shape[-2:] != (height, width):
            image = F.interpolate(image, size=(height, width), mode="bilinear", align_corners=False)
        seconds["decode"] += time.perf_counter() - tick
        stage("decode", 3)
        return image

    with torch.inference_mode():
        tick = time.perf_counter()
        style_features = encoder(style)[LAYER].contiguous()
        seconds["encode"] += time.perf_counter() - tick
        tick = time.perf_counter()
        patches = encode_style(style_features, patch=config.patch, stride=config.stride, search=config.search)
        seconds["swap"] += time.perf_counter() - tick
        if tile is None:
            image = paint(content)
        else:
            image = tiles.run_in_tiles(content, paint, tile=tile, network=decoder, on_tile=tiles.reporter(on_progress))
    return ChenResult(image=image, seconds={k: round(v, 4) for k, v in seconds.items()})


def run_files(
    content: Path,
    style: Path | Sequence[Path],
    output: Path,
    config: ChenConfig,
    *,
    decoder: Path,
    decoder_name: str | None = None,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
    layers: Path | None = None,
    masks: Sequence[Path | None] | None = None,
) -> RunRecord:
    """Load content and style, swap, decode, and save the result with its RunRecord
    (``decoder_name``: what the record calls the decoder; default: its file name; ``layers``: a
    folder to also keep the full-strength result and the photo in, see finish.py). Several styles with
    ``masks`` (one mask or None, "the rest", per style): one swap per style, each style encoded once, the
    results composited under feathered masks (masks.py). A run in tiles stopped between them saves
    nothing; its record says stopped."""
    styles = [Path(style)] if isinstance(style, (str, Path)) else [Path(path) for path in style]
    region_masks.check_count(masks, len(styles))
    masks = region_masks.masks_given(masks)
    if len(styles) > 1 and masks is None:
        raise OptionError("masks", "several styles need one mask each (or - for the rest)")
    decoder_name = decoder_name or Path(decoder).name
    output_format(output)
    started = time.perf_counter()
    torch_device = pick_device(device)
    loaded = load_image(content, size=config.size)
    mask_tensors = region_masks.load_masks(masks, (loaded.rgb.height, loaded.rgb.width)) if masks else None
    style_images = [load_image(path, size=config.style_size).rgb for path in styles]
    net, meta = load_decoder(decoder)
    trained = meta.get("training", {})
    vgg_spec = trained.get("weights")  # the decoder only inverts the VGG it was trained against
    encoder = VGGFeatures((LAYER,), weights=vgg_spec).to(torch_device)
    photo = image_to_tensor(loaded.rgb, torch_device)
    tile = tiles.tile_side(config.tile, *photo.shape[-2:])
    composite = region_masks.Composite(photo, mask_tensors, config.unmasked) if mask_tensors else None
    seconds: dict[str, float] = {}
    try:
        for index, style_image in enumerate(style_images):
            result = stylize(
                photo,
                image_to_tensor(style_image, torch_device),
                config,
                decoder=net.to(torch_device),
                encoder=encoder,
                on_progress=on_progress,
                tile=tile,
            )
            seconds = {key: round(seconds.get(key, 0) + value, 4) for key, value in result.seconds.items()}
            if composite is not None:
                composite.add(index, result.image)
                del result  # one full-size result at a time beside the composite
        image = composite.image if composite is not None else result.image
    except StopRequested:  # between tiles: no picture
        image = None
    extra = {"styles": [path.name for path in styles]} if masks is not None else {}
    record = RunRecord(
        algorithm="chen",
        params={
            **config.to_params(),
            "decoder": decoder_name,
            "seconds": seconds,
            "tiled": tile,
            **extra,
            **region_masks.mask_params(masks, config),
        },
        device=describe_device(torch_device),
        weights=f"{encoder.weights_source} (decoder {decoder_name})",
        random_weights=encoder.random_weights or is_untrained(meta),
        seconds=round(time.perf_counter() - started, 3),
        steps_done=0 if image is None else 1,
        stopped=image is None,
    )
    if image is None:
        log.info("chen: stopped between tiles after %.2f s", record.seconds)
        return record
    save_finished(image, photo, output, config, record=record, alpha=loaded.alpha, layers=layers)
    log.info("chen: %s in %.2f s -> %s", seconds, record.seconds, output)
    return record
