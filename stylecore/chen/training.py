"""Training Chen's inverse network once, on content and style photos (not per style).

Loss: ||VGG(decoder(F)) - F||^2 at relu3_1 plus total variation of the decoded image. The loop
itself (checkpoints, resume, stop requests, saving) is stylecore.training's, shared with Johnson.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from ..devices import pick_device
from ..features import VGGFeatures
from ..images import tensor_to_image
from ..losses import total_variation
from ..options import check_number
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
from .network import LAYER, InverseNet

DecoderTrainResult = TrainResult  # the name this module used before the loop was shared


@dataclass
class DecoderTrainConfig(TrainOptions):
    MIN_BATCH: ClassVar[int] = 2  # every batch is half content photos, half style images

    steps: int = 4000
    tv_weight: float = 1e-5  # relative to the feature loss
    instance_norm: bool = False

    def validate(self) -> None:
        super().validate()
        check_number("tv_weight", self.tv_weight, 0, 1e6)


def train_decoder(
    contents: PhotoFolder,
    styles: PhotoFolder,
    config: DecoderTrainConfig,
    *,
    device: torch.device,
    checkpoint: Path | None = None,
    resume: bool = False,
    on_progress: ProgressCallback | None = None,
) -> TrainResult[InverseNet]:
    """Train the inverse network: each batch is half content photos, half style images.

    Loss: mean squared difference between F = VGG(photo) at relu3_1 and VGG(decoder(F)), plus
    TV of the decoded image. Chen & Schmidt also feed style-swapped features; this trains on
    plain features only (a swap per step would triple CPU training time).
    """
    net = seeded(config.seed, lambda: InverseNet(instance_norm=config.instance_norm).to(device))
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

    return training_loop(
        net,
        loss_parts,
        batches,
        config,
        vgg=vgg,
        checkpoint=checkpoint,
        checkpoint_meta={"kind": "chen-decoder", "variant": "in" if config.instance_norm else "plain"},
        resume=resume,
        preview=preview,
        on_progress=on_progress,
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
    output = model_output(output, "decoder")
    started = time.perf_counter()
    torch_device = pick_device(device)
    contents = PhotoFolder(content_data, config.size, field="content_data")
    styles = PhotoFolder(style_data, config.size, field="style_data")
    result = train_decoder(
        contents,
        styles,
        config,
        device=torch_device,
        checkpoint=checkpoint_path(output),
        resume=resume,
        on_progress=on_progress,
    )
    photos = len(contents) + len(styles)
    # "weights": the VGG the decoder inverts, resolved (run_files encodes with the same one)
    training = {**training_summary(config, result, photos), "weights": result.vgg_weights}
    meta = {"kind": "chen-decoder", "variant": "relu3_1", "instance_norm": config.instance_norm, "training": training}
    return save_trained(
        output,
        result,
        meta,
        algorithm="chen-train",
        params={**config.to_params(), "photos": photos},
        device=torch_device,
        started=started,
    )
