"""Frame functions for the video job (Johnson models, Chen style swap) and ``run_files``,
the one file-level entry point for the CLI and the gallery's worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from .. import chen, johnson
from ..devices import pick_device
from ..errors import OptionError
from ..features import VGGFeatures
from ..images import image_to_tensor, load_image
from ..modelfile import is_untrained
from ..progress import ProgressCallback
from ..record import RunRecord
from .loop import FrameStylizer, VideoConfig, stylize_video
from .probe import inspect_video

log = logging.getLogger(__name__)


@dataclass
class Stylizer:
    """A frame function and what to record about it."""

    fn: FrameStylizer
    algorithm: str  # "johnson" | "chen"
    weights: str  # model file name(s)
    random_weights: bool
    params: dict


def johnson_stylizer(model: str | Path, device: torch.device, name: str | None = None) -> Stylizer:
    name = name or Path(model).name
    loaded = johnson.cached_model(model)
    fn, engine = johnson.frame_function(loaded, device)
    return Stylizer(
        fn=fn,
        algorithm="johnson",
        weights=name,
        random_weights=is_untrained(loaded.meta),
        params={
            "model": name,
            "style": loaded.meta.get("style"),
            "variant": loaded.net.variant,
            "engine": engine,
        },
    )


def chen_stylizer(
    style: str | Path,
    decoder: str | Path,
    device: torch.device,
    config: chen.ChenConfig | None = None,
    decoder_name: str | None = None,
) -> Stylizer:
    """Chen style swap with the style's patches (and the fast search's projection) encoded once for the whole video."""
    config = config or chen.ChenConfig()
    decoder_name = decoder_name or Path(decoder).name
    net, meta = chen.load_decoder(decoder)
    net.to(device)
    trained = meta.get("training", {})
    encoder = VGGFeatures((chen.LAYER,), weights=trained.get("weights")).to(device)  # the VGG the decoder inverts
    with torch.inference_mode():
        style_image = image_to_tensor(load_image(style, size=config.style_size).rgb, device)
        patches = chen.encode_style(
            encoder(style_image)[chen.LAYER].contiguous(),
            patch=config.patch,
            stride=config.stride,
            search=config.search,
        )

    def fn(frames: Tensor) -> Tensor:
        swapped = [
            chen.swap_patches(features[None].contiguous(), patches, stride=config.stride)
            for features in encoder(frames)[chen.LAYER]
        ]
        return net(torch.cat(swapped)).clamp(0, 1)

    return Stylizer(
        fn=fn,
        algorithm="chen",
        weights=f"{encoder.weights_source} (decoder {decoder_name})",
        random_weights=encoder.random_weights or is_untrained(meta),
        params={**config.to_params(), "style": Path(style).name, "decoder": decoder_name},
    )


def run_files(
    model: str | Path,
    source: str | Path,
    output: str | Path,
    config: VideoConfig | None = None,
    *,
    style: str | Path | None = None,
    decoder: str | Path | None = None,
    chen_config: chen.ChenConfig | None = None,
    network_name: str | None = None,
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Stylize a video file with a Johnson model file, or with Chen style swap (`model` "chen",
    with `style` image and `decoder` file). The CLI and the gallery's worker both call this.
    ``network_name``: what the record calls the model or decoder (default: its file name)."""
    info = inspect_video(source)  # refuse a bad upload before loading any network
    torch_device = pick_device(device)
    if str(model) == "chen":
        if style is None or decoder is None:
            raise OptionError("style", "chen needs a style image and a decoder file")
        stylizer = chen_stylizer(style, decoder, torch_device, chen_config, decoder_name=network_name)
    else:
        stylizer = johnson_stylizer(model, torch_device, name=network_name)
    record = stylize_video(
        source,
        output,
        stylizer.fn,
        config,
        device=torch_device,
        algorithm=f"video:{stylizer.algorithm}",
        weights=stylizer.weights,
        random_weights=stylizer.random_weights,
        on_progress=on_progress,
        extra_params=stylizer.params,
        info=info,
    )
    log.info("%s: %d frames in %.1f s -> %s", record.algorithm, record.steps_done, record.seconds, output)
    return record
