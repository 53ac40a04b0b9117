"""Johnson training: one transform network per style image, on a folder of photos.

Perceptual losses (content at relu2_2, style Grams at relu1_2, relu2_2, relu3_3 and relu4_3)
plus total variation, with the fast-neural-style example's weights. The loop itself
(checkpoints, resume, stop requests, saving) is stylecore.training's, shared with Chen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image
from torch import Tensor

from ..devices import pick_device
from ..features import VGGFeatures
from ..images import image_to_tensor, load_image, tensor_to_image
from ..losses import content_loss, gram_matrix, style_loss, total_variation
from ..options import check_choice, check_number
from ..photos import PhotoFolder
from ..progress import ProgressCallback
from ..record import RunRecord
from ..training import (
    TrainOptions,
    TrainResult,
    checkpoint_path,
    model_output,
    save_trained,
    seeded,
    training_loop,
    training_summary,
)
from .network import VARIANTS, TransformerNet, model_metadata, stylize

STYLE_LAYERS = ("relu1_2", "relu2_2", "relu3_3", "relu4_3")
CONTENT_LAYER = "relu2_2"


@dataclass
class TrainConfig(TrainOptions):
    variant: str = "standard"
    style_size: int | None = 512  # longer side of the style image; None keeps it as it is
    content_weight: float = 1e5  # the example's weights (VGG on [0, 1] images, Grams over C*H*W)
    style_weight: float = 1e10
    tv_weight: float = 1e3

    def validate(self) -> None:
        check_choice("variant", self.variant, VARIANTS)
        super().validate()
        check_number("style_size", self.style_size, 32, 2048, integer=True, optional=True)
        for name in ("content_weight", "style_weight", "tv_weight"):
            check_number(name, getattr(self, name), 0, 1e15)


def train(
    style: Tensor,
    photos: PhotoFolder,
    config: TrainConfig,
    *,
    device: torch.device,
    checkpoint: Path | None = None,
    resume: bool = False,
    on_progress: ProgressCallback | None = None,
) -> TrainResult[TransformerNet]:
    """Train a transform network for one style image (1, 3, h, w) in [0, 1] on the photos."""
    net = seeded(config.seed, lambda: TransformerNet(variant=config.variant).to(device))
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
        parts = {
            "content": config.content_weight * content_loss(features, target),
            "style": config.style_weight * style_loss(features, style_grams),
            "tv": config.tv_weight * total_variation(out),
        }
        parts["total"] = sum(parts.values())
        return parts

    fixed = photos.first(device)

    def preview() -> Image.Image:
        with torch.no_grad():
            return tensor_to_image(net(fixed))

    return training_loop(
        net,
        loss_parts,
        lambda step: photos.batch(step, config.batch, config.seed, device),
        config,
        vgg=vgg,
        checkpoint=checkpoint,
        checkpoint_meta={"kind": "johnson", "variant": config.variant, "training": config.to_params()},
        resume=resume,
        preview=preview,
        on_progress=on_progress,
    )


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
    output = model_output(output, "model")
    started = time.perf_counter()
    torch_device = pick_device(device)
    style_tensor = image_to_tensor(load_image(style, size=config.style_size).rgb, torch_device)
    photos = PhotoFolder(data, config.size)
    result = train(
        style_tensor,
        photos,
        config,
        device=torch_device,
        checkpoint=checkpoint_path(output),
        resume=resume,
        on_progress=on_progress,
    )
    name = style_name or Path(style).stem
    training = {**training_summary(config, result, len(photos)), "vgg_weights": result.vgg_weights}
    result.net.to("cpu")
    preview = tensor_to_image(stylize(result.net, photos.first(torch.device("cpu"))))
    return save_trained(
        output,
        result,
        model_metadata(result.net, style=name, training=training, preview=preview),
        algorithm="johnson-train",
        params={**config.to_params(), "style": name, "photos": len(photos)},
        device=torch_device,
        started=started,
    )
