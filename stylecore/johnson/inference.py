"""Johnson inference on files: stylize one photo with a trained model and record how."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from .. import masks as region_masks
from .. import tiles
from ..devices import describe_device, pick_device
from ..errors import OptionError
from ..finish import FinishOptions, save_finished
from ..images import MAX_SIDE, image_to_tensor, load_image, output_format
from ..modelfile import is_untrained
from ..options import check_number
from ..progress import Progress, ProgressCallback, StopRequested
from ..record import RunRecord
from .network import MIN_SIDE, stylize
from .runtime import LoadedModel, cached_model, frame_function

log = logging.getLogger(__name__)


@dataclass
class JohnsonConfig(FinishOptions):
    size: int | None = None  # longer side of the output; None keeps the input size
    tile: int | None = None  # tile side (tiles.py); None: tiles above tiles.TILE_ABOVE px, 0: never

    def validate(self) -> None:
        super().validate()
        check_number("size", self.size, MIN_SIDE, MAX_SIDE, integer=True, optional=True)
        tiles.check_tile(self.tile)


def run_files(
    model: Path | Sequence[Path],
    content: Path,
    output: Path,
    config: JohnsonConfig | None = None,
    *,
    device: str | None = None,
    engine: str = "auto",
    model_name: str | Sequence[str] | None = None,
    on_progress: ProgressCallback | None = None,
    layers: Path | None = None,
    masks: Sequence[Path | None] | None = None,
) -> RunRecord:
    """Stylize one photo with a trained model and save it with its RunRecord.

    ``engine``: see frame_function; a photo in tiles runs on PyTorch (its instance norms are
    shared across tiles, tiles.py). ``model_name``: what the record calls the model (the name
    people know it by; default: the file name). One forward pass: progress is reported, but a
    stop request cannot cut it short; a photo in tiles stops between tiles (the record says stopped,
    no picture is written). ``layers``: a folder to also keep the full-strength result and
    the photo in (finish.py). Several models with ``masks`` (one mask or None, "the rest", per model):
    one pass per model, the results composited under feathered masks (masks.py).
    """
    models = [Path(model)] if isinstance(model, (str, Path)) else [Path(path) for path in model]
    names = [model_name] if isinstance(model_name, str) else list(model_name or [None] * len(models))
    names = [name or path.name for name, path in zip(names, models, strict=True)]
    region_masks.check_count(masks, len(models), "model")
    masks = region_masks.masks_given(masks)
    if len(models) > 1 and masks is None:
        raise OptionError("masks", "several models need one mask each (or - for the rest)")
    config = config or JohnsonConfig()
    output_format(output)
    started = time.perf_counter()
    torch_device = pick_device(device)
    loaded = load_image(content, size=config.size)
    mask_tensors = region_masks.load_masks(masks, (loaded.rgb.height, loaded.rgb.width)) if masks else None
    model_states = [cached_model(path) for path in models]
    photo = image_to_tensor(loaded.rgb, torch_device)
    tile = tiles.tile_side(config.tile, *photo.shape[-2:])
    total = len(models)
    if on_progress is not None:
        on_progress(Progress(step=0, total=total, stage="stylize"))
    composite = region_masks.Composite(photo, mask_tensors, config.unmasked) if mask_tensors else None
    try:
        for index, model_state in enumerate(model_states):
            result, engine_used = _stylize(model_state, photo, tile, torch_device, engine, on_progress)
            if composite is not None:
                composite.add(index, result)
                del result  # one full-size result at a time beside the composite
            if on_progress is not None:
                on_progress(Progress(step=index + 1, total=total, stage="stylize"))
        result = composite.image if composite is not None else result
    except StopRequested:  # between tiles: no picture
        result, engine_used = None, "torch"
    metas = [state.meta for state in model_states]
    one = len(models) == 1  # one model: the record as it always was
    record = RunRecord(
        algorithm="johnson",
        params={
            **config.to_params(),
            "model": names[0] if one else names,
            "style": metas[0].get("style") if one else [meta.get("style") for meta in metas],
            "variant": model_states[0].net.variant if one else [state.net.variant for state in model_states],
            "engine": engine_used,
            "tiled": tile,
            **region_masks.mask_params(masks, config),
        },
        device=describe_device(torch_device),
        weights="; ".join(
            f"{name} (VGG for training: {meta.get('training', {}).get('vgg_weights', 'unknown')})"
            for name, meta in zip(names, metas, strict=True)
        ),
        random_weights=any(is_untrained(meta) for meta in metas),
        seconds=round(time.perf_counter() - started, 3),
        steps_done=0 if result is None else 1,
        stopped=result is None,
    )
    if result is None:
        log.info("johnson: %s stopped between tiles after %.2f s", ", ".join(names), record.seconds)
        return record
    save_finished(result, photo, output, config, record=record, alpha=loaded.alpha, layers=layers)
    log.info("johnson: %s in %.2f s -> %s", ", ".join(names), record.seconds, output)
    return record


def _stylize(
    model_state: LoadedModel,
    photo: Tensor,
    tile: int | None,
    torch_device: torch.device,
    engine: str,
    on_progress: ProgressCallback | None,
) -> tuple[Tensor, str]:
    """One model's pass over the whole photo (in tiles when `tile`) and the engine it ran on."""
    if tile is None:
        run, engine = frame_function(model_state, torch_device, engine)
        return run(photo), engine
    if engine == "onnx":
        raise OptionError("engine", "a photo in tiles runs on the torch engine; choose no tiles for onnx")
    net = model_state.net.to(torch_device)
    result = tiles.run_in_tiles(
        photo, lambda part: stylize(net, part), tile=tile, network=net, on_tile=tiles.reporter(on_progress)
    )
    return result, "torch"
