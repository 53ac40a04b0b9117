"""The training machinery Johnson and Chen share: options, the Adam loop, checkpoints, saving.

A network-specific module supplies the network, a ``loss_parts(batch)`` function, a
``batches(step)`` function and what to store; everything else (resume, checkpoints, progress
and stop requests, the saved model and its RunRecord) works the same for both.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

import torch
from PIL import Image
from torch import Tensor, nn

from .devices import describe_device
from .errors import OptionError, StylecoreError
from .features import VGGFeatures
from .modelfile import load_checkpoint, save_checkpoint, save_model
from .options import SEED_MAX, Options, check_number
from .progress import Progress, ProgressCallback
from .record import RunRecord

log = logging.getLogger(__name__)

NetT = TypeVar("NetT", bound=nn.Module)
MAX_STEPS = 1_000_000


@dataclass
class TrainOptions(Options):
    """The options every training run has; subclasses add their network's own."""

    MIN_BATCH: ClassVar[int] = 1

    size: int = 256  # training crops, pixels square
    batch: int = 4
    steps: int = 2000
    lr: float = 1e-3
    checkpoint_every: int = 500  # 0: no checkpoints
    preview_every: int = 0  # 0: no previews
    seed: int = 42
    weights: str | None = None  # VGG19 weights spec; None: the STYLECORE_VGG_WEIGHTS setting

    def validate(self) -> None:
        check_number("size", self.size, 32, 1024, integer=True)
        check_number("batch", self.batch, self.MIN_BATCH, 64, integer=True)
        check_number("steps", self.steps, 1, MAX_STEPS, integer=True)
        check_number("lr", self.lr, 1e-7, 1.0)
        check_number("checkpoint_every", self.checkpoint_every, 0, MAX_STEPS, integer=True)
        check_number("preview_every", self.preview_every, 0, MAX_STEPS, integer=True)
        check_number("seed", self.seed, 0, SEED_MAX, integer=True)


@dataclass
class TrainResult(Generic[NetT]):
    net: NetT
    steps_done: int
    stopped: bool
    losses: dict[str, float]  # the last step's loss parts, total and images_per_s
    vgg_weights: str
    random_weights: bool


def checkpoint_path(output: str | Path) -> Path:
    """Where training keeps its checkpoint next to the model: <name>.checkpoint.safetensors."""
    output = Path(output)
    return output.with_name(f"{output.stem}.checkpoint.safetensors")


def model_output(output: str | Path, what: str) -> Path:
    """The output path, refused before any training when it would not be one of our model files."""
    output = Path(output)
    if output.suffix != ".safetensors":
        raise OptionError("output", f"the {what} file name must end in .safetensors, not {output.name!r}")
    return output


def seeded(seed: int, make: Callable[[], NetT]) -> NetT:
    """A network initialised from `seed` without disturbing the caller's random state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return make()


def training_loop(
    net: NetT,
    loss_parts: Callable[[Tensor], dict[str, Tensor]],
    batches: Callable[[int], Tensor],
    config: TrainOptions,
    *,
    vgg: VGGFeatures,
    checkpoint: Path | None,
    checkpoint_meta: dict,
    resume: bool,
    preview: Callable[[], Image.Image] | None,
    on_progress: ProgressCallback | None,
) -> TrainResult[NetT]:
    """Adam on ``loss_parts(batch)["total"]``: checkpoints, resume, progress and stop requests.

    ``batches(step)`` gives the batch for a 0-based step; a checkpoint stores the weights,
    Adam's state and the step, so resuming continues exactly. ``vgg`` is the loss network,
    named in the result so the model says which VGG weights it was trained against.
    """
    optimizer = torch.optim.Adam(net.parameters(), lr=config.lr)
    steps = config.steps
    start = 0
    if resume and checkpoint is not None and checkpoint.is_file():
        state, optim_state, meta = load_checkpoint(checkpoint)
        if meta.get("kind") != checkpoint_meta.get("kind") or meta.get("variant") != checkpoint_meta.get("variant"):
            raise OptionError("resume", f"{checkpoint.name} is a checkpoint of a different network")
        net.load_state_dict(state)
        optimizer.load_state_dict(optim_state)
        start = int(meta["step"])
        log.info("resuming from %s at step %d", checkpoint.name, start)

    def save(step: int) -> None:
        save_checkpoint(checkpoint, net.state_dict(), optimizer.state_dict(), {**checkpoint_meta, "step": step})

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
        if checkpoint is not None and config.checkpoint_every and step % config.checkpoint_every == 0 and step < steps:
            save(step)
        if on_progress is not None:
            shown = None
            if preview is not None and config.preview_every and step % config.preview_every == 0:
                shown = preview()
            if on_progress(Progress(step=step, total=steps, losses=losses, preview=shown, stage="train")):
                stopped = True
                if checkpoint is not None:  # so a stopped run can be resumed later
                    save(step)
                break
    net.eval()
    return TrainResult(
        net=net,
        steps_done=step,
        stopped=stopped,
        losses=losses,
        vgg_weights=vgg.weights_source,
        random_weights=vgg.random_weights,
    )


def training_summary(config: TrainOptions, result: TrainResult, photos: int) -> dict:
    """What a saved model says about its training (its metadata's "training" entry)."""
    return {
        **config.to_params(),
        "steps_done": result.steps_done,
        "stopped": result.stopped,
        "photos": photos,
        "random_weights": result.random_weights,
        "final_losses": result.losses,
    }


def save_trained(
    output: Path,
    result: TrainResult,
    meta: dict,
    *,
    algorithm: str,
    params: dict,
    device: torch.device,
    started: float,
) -> RunRecord:
    """Save the (possibly partial) model; a finished run's checkpoint goes. Returns the RunRecord."""
    save_model(output, result.net.to("cpu").state_dict(), meta)
    if not result.stopped:
        checkpoint_path(output).unlink(missing_ok=True)
    record = RunRecord(
        algorithm=algorithm,
        params=params,
        device=describe_device(device),
        weights=result.vgg_weights,
        random_weights=result.random_weights,
        seconds=round(time.perf_counter() - started, 3),
        steps_done=result.steps_done,
        stopped=result.stopped,
        final_losses=result.losses,
    )
    log.info("%s: %d steps in %.1f s -> %s", algorithm, result.steps_done, record.seconds, output)
    return record
