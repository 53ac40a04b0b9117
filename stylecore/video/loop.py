"""The video job: decode -> batches through a frame function -> H.264 MP4, sound kept.

Any ``FrameStylizer`` plugs into ``stylize_video`` (stylizers.py builds the Johnson and Chen
ones); progress, stop requests and the RunRecord work as for photos.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from ..devices import describe_device, pick_device
from ..errors import OptionError
from ..finish import FinishOptions, finish_tensor
from ..options import check_number
from ..progress import Progress, ProgressCallback
from ..record import RunRecord
from .codecs import AudioPass, add_h264_stream, decode_packet, output_size, to_rgb
from .probe import VideoError, VideoInfo, inspect_video, open_video, video_stream
from .stability import FlickerMeter, TemporalStabilizer

log = logging.getLogger(__name__)

FrameStylizer = Callable[[Tensor], Tensor]  # (B,3,H,W) in [0,1] -> (B,3,H',W'), same device
MAX_OUTPUT_HEIGHT = 2160
MAX_BATCH = 64


@dataclass
class VideoConfig(FinishOptions):
    height: int | None = None  # output height (rounded down to even); None = the video's own
    start: float = 0.0  # seconds
    end: float | None = None  # seconds; None = to the end
    batch: int | None = None  # frames per network call; None: 1 on the CPU (bench/video.py: faster there), 4 on a GPU
    stable: bool = False  # temporal stability (optical-flow blending)
    stable_blend: float = 0.5  # weight of the warped previous output where the flow is reliable
    preview_every: int = 0  # frames between previews; 0 = none
    crf: int = 20  # H.264 quality (lower = better, bigger)

    def validate(self) -> None:
        super().validate()
        check_number("height", self.height, 16, MAX_OUTPUT_HEIGHT, integer=True, optional=True)
        check_number("start", self.start, 0)
        check_number("end", self.end, 0, optional=True)
        if self.end is not None and self.end <= self.start:
            raise OptionError("end", f"must be after the start ({self.start:g} s), not {self.end:g}")
        check_number("batch", self.batch, 1, MAX_BATCH, integer=True, optional=True)
        check_number("stable_blend", self.stable_blend, 0.0, 0.95)
        check_number("preview_every", self.preview_every, 0, integer=True)
        check_number("crf", self.crf, 0, 51, integer=True)


def stylize_video(
    source: str | Path,
    output: str | Path,
    frame_fn: FrameStylizer,
    config: VideoConfig | None = None,
    *,
    device: torch.device | str | None = None,
    algorithm: str = "video",
    weights: str = "",
    random_weights: bool = False,
    on_progress: ProgressCallback | None = None,
    extra_params: dict | None = None,
    info: VideoInfo | None = None,
) -> RunRecord:
    """Stylize every frame (in the start/end window) of `source` into an H.264 MP4 at `output`.

    The frame rate (output at a constant rate: frames of variable-rate phone videos go to their
    nearest slot) and the sound are kept. A stop request from `on_progress` ends the run early
    with a valid, shorter MP4 and ``stopped=True``. On an error nothing is left at `output`.
    `info`: the source's inspect_video result when the caller already has it.
    """
    config = config or VideoConfig()
    source, output = Path(source), Path(output)
    info = info or inspect_video(source)
    if config.start >= info.duration:
        raise OptionError("start", f"is past the end of the video ({info.duration:.1f} s)")
    device = pick_device(device) if not isinstance(device, torch.device) else device
    size = output_size(info, config.height)
    end = min(config.end, info.duration) if config.end is not None else info.duration
    total = max(1, min(info.frames, round((end - config.start) * info.fps)))
    record = RunRecord(
        algorithm=algorithm,
        params={
            **config.to_params(),
            **(extra_params or {}),
            "width": size[0],
            "height": size[1],
            "fps": str(info.fps),
        },
        device=describe_device(device),
        weights=weights,
        random_weights=random_weights,
    )
    try:
        _run(source, output, frame_fn, config, info, size, total, device, record, on_progress)
    except BaseException:
        output.unlink(missing_ok=True)  # nothing half written stays behind
        raise
    return record


def _run(
    source: Path,
    output: Path,
    frame_fn: FrameStylizer,
    config: VideoConfig,
    info: VideoInfo,
    size: tuple[int, int],
    total: int,
    device: torch.device,
    record: RunRecord,
    on_progress: ProgressCallback | None,
) -> None:
    """Decode, stylize, encode and mux; fills in `record`'s timings (stylize_video cleans up on errors)."""
    began = time.perf_counter()
    stabilize = TemporalStabilizer(config.stable_blend) if config.stable else None
    meter = FlickerMeter()
    done = 0
    with open_video(source) as src, av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vin = video_stream(src)
        vin.thread_type = "AUTO"
        ain = src.streams.audio[0] if src.streams.audio else None
        # constant frame rate at the source's rate: frame n sits at n / fps exactly (variable-rate
        # phone videos: each frame goes to its nearest slot, so the sound stays in sync)
        tick = 1 / info.fps
        vout = add_h264_stream(out, size, tick, rate=info.fps, crf=config.crf)
        audio = AudioPass(out, ain) if ain is not None else None
        record.params["audio"] = audio.note if audio else "none"
        # the result carries what made it (the final timings are on the returned record)
        out.metadata["comment"] = json.dumps(
            {
                k: v
                for k, v in record.to_dict().items()
                if k in ("algorithm", "params", "device", "weights", "random_weights")
            }
        )

        origin = (vin.start_time or 0) * vin.time_base + Fraction(config.start)
        end = None if config.end is None else origin - Fraction(config.start) + Fraction(config.end)
        window = (origin, end)
        if config.start > 0:
            src.seek(round(origin / vin.time_base), stream=vin, backward=True)

        def frames() -> Iterator[tuple[np.ndarray, int]]:
            seen, last_slot = 0, -1
            for packet in src.demux(*(s for s in (vin, ain) if s is not None)):
                if packet.stream is ain:
                    audio.write(out, packet, window, trimmed=config.start > 0)
                    continue
                for frame in decode_packet(packet, seen):
                    seen += 1
                    t = frame.pts * vin.time_base if frame.pts is not None else origin + (last_slot + 1) * tick
                    if t < origin:
                        continue
                    if end is not None and t >= end:
                        return
                    last_slot = max(round((t - origin) / tick), last_slot + 1)
                    yield to_rgb(frame, size, info.rotation), last_slot

        stream = frames()
        batch_size = config.batch or (1 if device.type == "cpu" else 4)
        while True:
            batch = [item for _, item in zip(range(batch_size), stream, strict=False)]
            if not batch:
                break
            styled = _stylize_batch([rgb for rgb, _ in batch], frame_fn, config, device)
            for (rgb, pts), out_rgb in zip(batch, styled, strict=True):
                if stabilize is not None:
                    out_rgb = stabilize(rgb, out_rgb)
                meter.update(rgb, out_rgb)
                frame = av.VideoFrame.from_ndarray(out_rgb, format="rgb24")
                frame.pts, frame.time_base = pts, tick
                out.mux(vout.encode(frame))
            previous, done = done, done + len(batch)
            fps = done / max(time.perf_counter() - began, 1e-9)
            preview = None
            if config.preview_every and done // config.preview_every > previous // config.preview_every:
                preview = Image.fromarray(out_rgb)
            if on_progress is not None and on_progress(
                Progress(step=done, total=max(total, done), losses={"fps": fps}, preview=preview, stage="frames")
            ):
                record.stopped = True
                log.info("stop requested after %d frames", done)
                break
        stream.close()
        out.mux(vout.encode(None))
        if audio is not None:
            audio.flush(out)
    if done == 0:
        raise VideoError("No frames in the chosen part of the video.")
    record.seconds = time.perf_counter() - began
    record.steps_done = done
    record.final_losses = {"fps": done / record.seconds}
    if not math.isnan(meter.value):
        record.final_losses["flicker"] = meter.value


def _stylize_batch(
    frames: list[np.ndarray], frame_fn: FrameStylizer, config: VideoConfig, device: torch.device
) -> np.ndarray:
    """(B,H,W,3) uint8 in, the same out: through the network in one call, then finished
    (colours, strength) against the frames themselves."""
    with torch.inference_mode():
        x = torch.from_numpy(np.stack(frames)).to(device).permute(0, 3, 1, 2).to(torch.float32).mul_(1 / 255)
        y = frame_fn(x)
        if y.shape[-2:] != x.shape[-2:]:
            y = F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)
        y = finish_tensor(y, x, config)
        # in place, and +0.5 then truncation rounds: full-frame passes are a real share of CPU time
        y = y.mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8)
        return y.permute(0, 2, 3, 1).contiguous().cpu().numpy()


def read_video_record(path: str | Path) -> dict | None:
    """What made a video result (stored in the MP4's comment tag by stylize_video)."""
    with open_video(Path(path)) as container:
        text = container.metadata.get("comment")
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None
