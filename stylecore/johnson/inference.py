"""Johnson inference on files: stylize one photo with a trained model and record how."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

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
from .runtime import cached_model, frame_function

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
    model: Path,
    content: Path,
    output: Path,
    config: JohnsonConfig | None = None,
    *,
    device: str | None = None,
    engine: str = "auto",
    model_name: str | None = None,
    on_progress: ProgressCallback | None = None,
    layers: Path | None = None,
) -> RunRecord:
    """Stylize one photo with a trained model and save it with its RunRecord.

    ``engine``: see frame_function; a photo in tiles runs on PyTorch (its instance norms are
    shared across tiles, tiles.py). ``model_name``: what the record calls the model (the name
    people know it by; default: the file name). One forward pass: progress is reported, but a
    stop request cannot cut it short; a photo in tiles stops between tiles (the record says stopped,
    no picture is written). ``layers``: a folder to also keep the full-strength result and
    the photo in (finish.py).
    """
    model_name = model_name or Path(model).name
    config = config or JohnsonConfig()
    output_format(output)
    started = time.perf_counter()
    torch_device = pick_device(device)
    model_state = cached_model(model)
    net, meta = model_state.net, model_state.meta
    loaded = load_image(content, size=config.size)
    if on_progress is not None:
        on_progress(Progress(step=0, total=1, stage="stylize"))
    photo = image_to_tensor(loaded.rgb, torch_device)
    tile = tiles.tile_side(config.tile, *photo.shape[-2:])
    if tile is None:
        run, engine = frame_function(model_state, torch_device, engine)
        result = run(photo)
    else:
        if engine == "onnx":
            raise OptionError("engine", "a photo in tiles runs on the torch engine; choose no tiles for onnx")
        net, engine = net.to(torch_device), "torch"
        try:
            result = tiles.run_in_tiles(
                photo, lambda part: stylize(net, part), tile=tile, network=net, on_tile=tiles.reporter(on_progress)
            )
        except StopRequested:  # between tiles: no picture
            result = None
    if on_progress is not None and result is not None:
        on_progress(Progress(step=1, total=1, stage="stylize"))
    trained = meta.get("training", {})
    record = RunRecord(
        algorithm="johnson",
        params={
            **config.to_params(),
            "model": model_name,
            "style": meta.get("style"),
            "variant": net.variant,
            "engine": engine,
            "tiled": tile,
        },
        device=describe_device(torch_device),
        weights=f"{model_name} (VGG for training: {trained.get('vgg_weights', 'unknown')})",
        random_weights=is_untrained(meta),
        seconds=round(time.perf_counter() - started, 3),
        steps_done=0 if result is None else 1,
        stopped=result is None,
    )
    if result is None:
        log.info("johnson: %s stopped between tiles after %.2f s", model_name, record.seconds)
        return record
    save_finished(result, photo, output, config, record=record, alpha=loaded.alpha, layers=layers)
    log.info("johnson: %s in %.2f s -> %s", model_name, record.seconds, output)
    return record
