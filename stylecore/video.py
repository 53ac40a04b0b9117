"""Stylize videos frame by frame: PyAV decode -> batches through a network -> H.264 MP4, sound kept.

Frames move through memory only (PyAV frames -> numpy -> tensors and back); nothing is written
to disk frame by frame. Any ``FrameStylizer`` plugs into ``stylize_video``: Johnson models and
Chen style swap are built by ``johnson_stylizer`` / ``chen_stylizer``; ``run_files`` is the one
file-level entry point for the CLI and the gallery's worker (progress callback, stop request,
RunRecord). ``inspect_video`` is the upload validator.

Optional temporal stability blends each stylized frame with the previous output warped by
optical flow (OpenCV DIS on the input frames) where the flow is reliable, after Ruder et al.,
"Artistic style transfer for videos" (2016): forward-backward consistency and photometric checks.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from . import chen, johnson
from .devices import describe_device, pick_device
from .errors import OptionError, StylecoreError
from .features import VGGFeatures
from .images import image_to_tensor, load_image
from .modelfile import is_untrained
from .progress import Progress, ProgressCallback
from .record import RunRecord

log = logging.getLogger(__name__)

FrameStylizer = Callable[[Tensor], Tensor]  # (B,3,H,W) in [0,1] -> (B,3,H',W'), same device

# Upload limits (checked by inspect_video before anything is decoded at length)
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_DURATION_SECONDS = 10 * 60
MAX_SIDE = 4096
MAX_PIXELS = 3840 * 2160
CONTAINERS = ("mp4", "mov", "matroska", "webm")  # ffmpeg demuxer names: MP4/MOV, MKV/WebM
MAX_FPS = 1000
MAX_OUTPUT_HEIGHT = 2160
MAX_BATCH = 64
H264_ENCODERS = ("libx264", "libopenh264", "h264")  # first one this PyAV build can encode with
AUDIO_COPY_CODECS = ("aac", "mp3", "opus")  # go into MP4 as they are and play in browsers
_AAC_LAYOUTS = {1: "mono", 2: "stereo", 3: "3.0", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}
FLOW_MAX_SIDE = 400  # flow is computed at most this size: smooth fields, ~1 ms per DIS call
STATIC_THRESHOLD = 0.02  # flicker measure: "static" where the blurred input changes less than this


class VideoError(StylecoreError):
    """A video cannot be used: not a video, damaged, too long or too large."""


@dataclass(frozen=True)
class VideoInfo:
    container: str  # ffmpeg demuxer short name: "mp4", "matroska", ...
    width: int  # as displayed (rotation applied)
    height: int
    frames: int
    fps: Fraction
    duration: float  # seconds
    video_codec: str
    audio_codec: str | None  # None: no sound
    rotation: int  # degrees counterclockwise to turn stored frames upright (phone videos)


@dataclass
class VideoConfig:
    height: int | None = None  # output height (rounded down to even); None = the video's own
    start: float = 0.0  # seconds
    end: float | None = None  # seconds; None = to the end
    batch: int | None = None  # frames per network call; None: 1 on the CPU (bench/video.py: faster there), 4 on a GPU
    stable: bool = False  # temporal stability (optical-flow blending)
    stable_blend: float = 0.5  # weight of the warped previous output where the flow is reliable
    preview_every: int = 0  # frames between previews; 0 = none
    crf: int = 20  # H.264 quality (lower = better, bigger)

    def __post_init__(self) -> None:
        if self.height is not None and not 16 <= self.height <= MAX_OUTPUT_HEIGHT:
            raise OptionError("height", f"must be between 16 and {MAX_OUTPUT_HEIGHT}")
        if not (math.isfinite(self.start) and self.start >= 0):
            raise OptionError("start", "must be 0 or more seconds")
        if self.end is not None and not (math.isfinite(self.end) and self.end > self.start):
            raise OptionError("end", "must be after the start")
        if self.batch is not None and not 1 <= self.batch <= MAX_BATCH:
            raise OptionError("batch", f"must be between 1 and {MAX_BATCH}")
        if not 0.0 <= self.stable_blend <= 0.95:
            raise OptionError("stable_blend", "must be between 0 and 0.95")
        if self.preview_every < 0:
            raise OptionError("preview_every", "must be 0 or more")
        if not 0 <= self.crf <= 51:
            raise OptionError("crf", "must be between 0 and 51")

    def to_params(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- inspecting uploads


def _not_a_video() -> VideoError:
    return VideoError("This file is not a video we can read (MP4, MOV, WebM or MKV), or it is damaged.")


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise _not_a_video() from exc


def _first_frame(stream: av.video.stream.VideoStream) -> av.VideoFrame:
    """Decode the first frame (proof the video really decodes); VideoError when none comes out."""
    container = stream.container
    container.seek(0, backward=True, any_frame=False, stream=stream)
    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                return frame
    except av.FFmpegError as exc:
        raise VideoError("The video is damaged: its first frame cannot be decoded.") from exc
    raise VideoError("The video is damaged: its first frame cannot be decoded.")


def inspect_video(path: str | Path) -> VideoInfo:
    """Validate an upload by really opening it: container, a video stream, limits, every packet there.

    Demuxes the whole file (cheap: no decoding) to count frames and to catch truncated files
    whose index promises more packets than the file holds, and decodes the first frame.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise VideoError("The video file cannot be read.") from exc
    if size == 0:
        raise VideoError("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise VideoError(f"The video file is too large: {size / 2**20:.0f} MB (at most {MAX_FILE_BYTES // 2**20} MB).")
    with _open(path) as container:
        names = container.format.name.split(",")
        if not set(names) & set(CONTAINERS):
            raise _not_a_video()
        stream = _video_stream(container)
        ctx = stream.codec_context
        if not ctx.width or not ctx.height:
            raise _not_a_video()
        # limits first, from the header: nothing long is read for a file refused anyway
        if max(ctx.width, ctx.height) > MAX_SIDE or ctx.width * ctx.height > MAX_PIXELS:
            raise VideoError(
                f"The video is too large: {ctx.width}x{ctx.height} pixels "
                f"(at most {MAX_PIXELS / 1e6:.1f} megapixels, {MAX_SIDE} a side)."
            )
        if container.duration and container.duration / av.time_base > MAX_DURATION_SECONDS:
            raise _too_long(container.duration / av.time_base)
        audio = container.streams.audio[0] if container.streams.audio else None
        packets, first_pts, last_pts = _count_packets(container, stream, audio)
        if packets[stream] == 0:
            raise VideoError("The video has no frames.")
        for s in (stream, audio):
            if s is not None and s.frames and packets[s] < s.frames:
                raise VideoError(f"The video is truncated or damaged ({packets[s]} of {s.frames} packets are there).")
        duration = (
            container.duration / av.time_base
            if container.duration
            else float((last_pts - first_pts) * stream.time_base)
        )
        if duration > MAX_DURATION_SECONDS:
            raise _too_long(duration)
        fps = stream.average_rate or stream.guessed_rate
        if not fps or not 0 < fps <= MAX_FPS:
            raise VideoError("The video has no usable frame rate.")
        # display rotation (phones store portrait video sideways), counterclockwise
        rotation = round(_first_frame(stream).rotation / 90) * 90 % 360
        width, height = (ctx.height, ctx.width) if rotation in (90, 270) else (ctx.width, ctx.height)
        return VideoInfo(
            container=names[0],
            width=width,
            height=height,
            frames=packets[stream],
            fps=Fraction(fps),
            duration=duration,
            video_codec=ctx.name,
            audio_codec=audio.codec_context.name if audio is not None else None,
            rotation=rotation,
        )


def _video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
    """The first real video stream (not the cover picture of a music file)."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise VideoError("The file has no video stream.")


def _too_long(seconds: float) -> VideoError:
    return VideoError(f"The video is too long: {_clock(seconds)} (at most {_clock(MAX_DURATION_SECONDS)}).")


def _count_packets(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    audio: av.audio.stream.AudioStream | None,
) -> tuple[dict, int, int]:
    """Packets per stream (demuxing only) and the video's first/last presentation time."""
    packets = {stream: 0, audio: 0}
    first_pts = last_pts = 0
    try:
        for packet in container.demux(*(s for s in (stream, audio) if s is not None)):
            if packet.size == 0:
                continue  # the flush packet at the end (MKV B-frames may lack a dts: still counted)
            packets[packet.stream] += 1
            if packet.stream is stream and packet.pts is not None:
                first_pts = min(first_pts, packet.pts) if packets[stream] > 1 else packet.pts
                last_pts = max(last_pts, packet.pts + (packet.duration or 0))
    except av.FFmpegError as exc:
        raise VideoError("The video is truncated or damaged.") from exc
    return packets, first_pts, last_pts


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


# ---------------------------------------------------------------- temporal stability and flicker


def _gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)


class TemporalStabilizer:
    """Blend each stylized frame with the previous output warped along the backward optical flow.

    out = mask * (blend * warped_prev + (1 - blend) * cur) + (1 - mask) * cur, where mask marks
    pixels whose flow passes the forward-backward consistency check and whose warped input
    matches (so occlusions, cuts and flow failures keep the fresh stylized frame).
    """

    def __init__(self, blend: float = 0.5) -> None:
        self.blend = blend
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._prev_in: np.ndarray | None = None
        self._prev_out: np.ndarray | None = None
        self._grid: np.ndarray | None = None  # pixel coordinates, (2, H, W)

    def __call__(self, frame_in: np.ndarray, styled: np.ndarray) -> np.ndarray:
        """frame_in, styled: (H,W,3) uint8 RGB of the same size; returns the output frame."""
        out = styled
        if self._prev_in is not None and self.blend > 0:
            back, fwd = self._flows(self._prev_in, frame_in)
            height, width = back.shape[:2]
            if self._grid is None or self._grid.shape[1:] != (height, width):
                self._grid = np.mgrid[0:height, 0:width].astype(np.float32)
            map_x, map_y = self._grid[1] + back[..., 0], self._grid[0] + back[..., 1]

            def warp(img: np.ndarray) -> np.ndarray:
                return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

            fwd_at = warp(fwd)
            error = np.sum((back + fwd_at) ** 2, axis=-1)
            consistent = error <= 0.01 * (np.sum(back**2, axis=-1) + np.sum(fwd_at**2, axis=-1)) + 0.5
            photometric = np.abs(warp(self._prev_in).astype(np.int16) - frame_in).max(axis=-1) < 20
            inside = (map_x >= 0) & (map_x <= width - 1) & (map_y >= 0) & (map_y <= height - 1)
            mask = (consistent & photometric & inside).astype(np.float32)
            mask = cv2.GaussianBlur(mask, (5, 5), 0)[..., None] * self.blend  # soft seams
            prev = warp(self._prev_out).astype(np.float32)
            out = np.clip(styled + mask * (prev - styled) + 0.5, 0, 255).astype(np.uint8)
        self._prev_in, self._prev_out = frame_in, out
        return out

    def _flows(self, prev: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Backward (cur -> prev) and forward (prev -> cur) flow at full size, in pixels."""
        height, width = cur.shape[:2]
        scale = min(1.0, FLOW_MAX_SIDE / max(height, width))
        small = (max(8, round(width * scale)), max(8, round(height * scale)))
        a, b = (cv2.resize(_gray(x), small, interpolation=cv2.INTER_AREA) for x in (prev, cur))
        flows = []
        for src, dst in ((b, a), (a, b)):
            flow = self._dis.calc(src, dst, None)
            flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
            flow[..., 0] *= width / small[0]
            flow[..., 1] *= height / small[1]
            flows.append(flow)
        return flows[0], flows[1]


class FlickerMeter:
    """Mean absolute change (0..255) between consecutive output frames where the input is static."""

    def __init__(self, threshold: float = STATIC_THRESHOLD) -> None:
        self.threshold = threshold * 255
        self._prev: tuple[np.ndarray, np.ndarray] | None = None
        self._sum = 0.0
        self._count = 0

    def update(self, frame_in: np.ndarray, frame_out: np.ndarray) -> None:
        gray = cv2.GaussianBlur(_gray(frame_in), (5, 5), 0)
        if self._prev is not None:
            prev_gray, prev_out = self._prev
            # OpenCV on uint8 throughout: this runs on every frame of every job
            static = (cv2.absdiff(gray, prev_gray) < self.threshold).astype(np.uint8)
            count = cv2.countNonZero(static)
            if count:
                per_channel = cv2.mean(cv2.absdiff(frame_out, prev_out), mask=static)[:3]
                self._sum += sum(per_channel) / 3 * count
                self._count += count
        self._prev = (gray, frame_out)

    @property
    def value(self) -> float:
        """NaN until two frames with some static pixels were seen."""
        return self._sum / self._count if self._count else float("nan")


def flicker(
    inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray], *, threshold: float = STATIC_THRESHOLD
) -> float:
    """The flicker measure of a clip: input and output frames as (H,W,3) uint8 RGB, same sizes."""
    meter = FlickerMeter(threshold)
    for frame_in, frame_out in zip(inputs, outputs, strict=True):
        meter.update(frame_in, frame_out)
    return meter.value


# ---------------------------------------------------------------- decoding and encoding


def read_frames(path: str | Path, *, height: int | None = None) -> list[np.ndarray]:
    """Every frame of a (short) video as (H,W,3) uint8 RGB, upright; for tests and the bench."""
    info = inspect_video(path)
    size = _output_size(info, height)
    with _open(Path(path)) as container:
        return [_to_rgb(f, size, info.rotation) for f in container.decode(_video_stream(container))]


def first_frame(path: str | Path, *, info: VideoInfo | None = None) -> Image.Image:
    """The first frame, upright, as an RGB image (posters and thumbnails)."""
    info = info or inspect_video(path)
    with _open(Path(path)) as container:
        frame = _first_frame(_video_stream(container))
        return Image.fromarray(_to_rgb(frame, (info.width, info.height), info.rotation))


def _output_size(info: VideoInfo, height: int | None) -> tuple[int, int]:
    """(width, height) as displayed, both even (yuv420p needs it)."""
    out_h = height or info.height
    out_w = round(info.width * out_h / info.height)
    return max(2, out_w - out_w % 2), max(2, out_h - out_h % 2)


def _to_rgb(frame: av.VideoFrame, size: tuple[int, int], rotation: int) -> np.ndarray:
    width, height = size
    stored = (height, width) if rotation in (90, 270) else (width, height)
    rgb = frame.reformat(width=stored[0], height=stored[1], format="rgb24").to_ndarray()
    return np.ascontiguousarray(np.rot90(rgb, rotation // 90)) if rotation else rgb


@lru_cache(maxsize=1)
def h264_encoder() -> str:
    """The H.264 encoder this PyAV build has (its wheels ship libx264)."""
    for name in H264_ENCODERS:
        if name in av.codecs_available:
            try:
                av.codec.Codec(name, "w")
            except (av.FFmpegError, ValueError):
                continue
            return name
    raise VideoError("This installation's PyAV has no H.264 encoder.")


class _AudioPass:
    """Copies the sound packets into the MP4 unchanged, or transcodes to AAC when MP4 or browsers
    cannot take the codec (e.g. PCM from a MOV, Vorbis from a WebM)."""

    def __init__(self, out: av.container.OutputContainer, source: av.audio.stream.AudioStream) -> None:
        self.source = source
        codec = source.codec_context.name
        self.copy = codec in AUDIO_COPY_CODECS
        if self.copy:
            self.stream = out.add_stream_from_template(source)
            self.note = f"copied ({codec})"
        else:
            ctx = source.codec_context
            # the default layout for the channel count: PCM often comes with an unnamed one
            layout = _AAC_LAYOUTS.get(ctx.layout.nb_channels, "stereo")
            self.stream = out.add_stream("aac", rate=ctx.sample_rate, layout=layout)
            self.stream.format = "fltp"  # the only format FFmpeg's AAC encoder takes; frames are resampled
            self.note = f"transcoded to AAC ({codec} cannot go into a browser MP4 as it is)"
            log.info("audio: %s", self.note)

    def write(
        self,
        out: av.container.OutputContainer,
        packet: av.Packet,
        window: tuple[Fraction, Fraction | None],
        trimmed: bool,
    ) -> None:
        """Shift the packet by the window's start; drop it outside the window (before the start
        only when the video is trimmed there: the encoder-priming packets at negative times stay)."""
        start, end = window
        if packet.size == 0 or packet.pts is None:
            return
        time_ = packet.pts * packet.time_base
        if (trimmed and time_ < start) or (end is not None and time_ >= end):
            return
        shift = round(start / packet.time_base)
        if self.copy:
            packet.pts -= shift
            packet.dts = None if packet.dts is None else packet.dts - shift
            packet.stream = self.stream
            out.mux(packet)
            return
        for frame in packet.decode():
            frame.pts = None if frame.pts is None else frame.pts - shift
            out.mux(self.stream.encode(frame))

    def flush(self, out: av.container.OutputContainer) -> None:
        if not self.copy:
            out.mux(self.stream.encode(None))


def _decode(packet: av.Packet, frames_seen: int) -> list[av.VideoFrame]:
    try:
        return packet.decode()
    except av.FFmpegError as exc:
        raise VideoError(f"The video is damaged after frame {frames_seen}.") from exc


# ---------------------------------------------------------------- the job


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
    size = _output_size(info, config.height)
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


def _run(source, output, frame_fn, config, info, size, total, device, record, on_progress) -> None:
    began = time.perf_counter()
    stabilize = TemporalStabilizer(config.stable_blend) if config.stable else None
    meter = FlickerMeter()
    done = 0
    with _open(source) as src, av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vin = _video_stream(src)
        vin.thread_type = "AUTO"
        ain = src.streams.audio[0] if src.streams.audio else None
        # constant frame rate at the source's rate: frame n sits at n / fps exactly (variable-rate
        # phone videos: each frame goes to its nearest slot, so the sound stays in sync)
        tick = 1 / info.fps
        vout = out.add_stream(h264_encoder(), rate=info.fps, options={"crf": str(config.crf), "preset": "veryfast"})
        vout.width, vout.height, vout.pix_fmt = size[0], size[1], "yuv420p"
        vout.codec_context.time_base = tick
        audio = _AudioPass(out, ain) if ain is not None else None
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
                for frame in _decode(packet, seen):
                    seen += 1
                    t = frame.pts * vin.time_base if frame.pts is not None else origin + (last_slot + 1) * tick
                    if t < origin:
                        continue
                    if end is not None and t >= end:
                        return
                    last_slot = max(round((t - origin) / tick), last_slot + 1)
                    yield _to_rgb(frame, size, info.rotation), last_slot

        stream = frames()
        batch_size = config.batch or (1 if device.type == "cpu" else 4)
        while True:
            batch = [item for _, item in zip(range(batch_size), stream, strict=False)]
            if not batch:
                break
            styled = _stylize_batch([rgb for rgb, _ in batch], frame_fn, device)
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


def _stylize_batch(frames: list[np.ndarray], frame_fn: FrameStylizer, device: torch.device) -> np.ndarray:
    """(B,H,W,3) uint8 in, the same out: through the network in one call."""
    with torch.inference_mode():
        x = torch.from_numpy(np.stack(frames)).to(device).permute(0, 3, 1, 2).to(torch.float32).mul_(1 / 255)
        y = frame_fn(x)
        if y.shape[-2:] != x.shape[-2:]:
            y = F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)
        # in place, and +0.5 then truncation rounds: full-frame passes are a real share of CPU time
        y = y.mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8)
        return y.permute(0, 2, 3, 1).contiguous().cpu().numpy()


@dataclass
class Stylizer:
    """A frame function and what to record about it."""

    fn: FrameStylizer
    algorithm: str  # "johnson" | "chen"
    weights: str  # model file name(s)
    random_weights: bool
    params: dict


def johnson_stylizer(model: str | Path, device: torch.device) -> Stylizer:
    loaded = johnson.cached_model(model)
    fn, engine = johnson.frame_function(loaded, device)
    return Stylizer(
        fn=fn,
        algorithm="johnson",
        weights=Path(model).name,
        random_weights=is_untrained(loaded.meta),
        params={
            "model": Path(model).name,
            "style": loaded.meta.get("style"),
            "variant": loaded.net.variant,
            "engine": engine,
        },
    )


def chen_stylizer(
    style: str | Path, decoder: str | Path, device: torch.device, config: chen.ChenConfig | None = None
) -> Stylizer:
    """Chen style swap with the style's patches encoded once for the whole video."""
    config = config or chen.ChenConfig()
    net, meta = chen.load_decoder(decoder)
    net.to(device)
    trained = meta.get("training", {})
    encoder = VGGFeatures((chen.LAYER,), weights=trained.get("weights")).to(device)  # the VGG the decoder inverts
    with torch.inference_mode():
        style_image = image_to_tensor(load_image(style, size=config.style_size).rgb, device)
        style_features = encoder(style_image)[chen.LAYER].contiguous()

    def fn(frames: Tensor) -> Tensor:
        swapped = [
            chen.style_swap(features[None].contiguous(), style_features, patch=config.patch, stride=config.stride)
            for features in encoder(frames)[chen.LAYER]
        ]
        return net(torch.cat(swapped)).clamp(0, 1)

    return Stylizer(
        fn=fn,
        algorithm="chen",
        weights=f"{encoder.weights_source} (decoder {Path(decoder).name})",
        random_weights=encoder.random_weights or is_untrained(meta),
        params={**config.to_params(), "style": Path(style).name, "decoder": Path(decoder).name},
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
    device: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunRecord:
    """Stylize a video file with a Johnson model file, or with Chen style swap (`model` "chen",
    with `style` image and `decoder` file). The CLI and the gallery's worker both call this."""
    info = inspect_video(source)  # refuse a bad upload before loading any network
    torch_device = pick_device(device)
    if str(model) == "chen":
        if style is None or decoder is None:
            raise OptionError("style", "chen needs a style image and a decoder file")
        stylizer = chen_stylizer(style, decoder, torch_device, chen_config)
    else:
        stylizer = johnson_stylizer(model, torch_device)
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


def read_video_record(path: str | Path) -> dict | None:
    """What made a video result (stored in the MP4's comment tag by stylize_video)."""
    with _open(Path(path)) as container:
        text = container.metadata.get("comment")
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------- synthetic clips (tests, bench, demos)


def synthetic_clip(
    path: str | Path,
    *,
    frames: int = 12,
    size: tuple[int, int] = (64, 48),
    fps: int | Fraction = 12,
    audio: str | None = "aac",
    noise: float = 0.0,
    rotation: int = 0,
    seed: int = 0,
) -> Path:
    """Write a clip PyAV can make anywhere: a textured square moving over a static textured
    background, optional sensor noise (std in 0..255) and a 440 Hz sine track (`audio` is the
    encoder: "aac", "libopus", "pcm_s16le" for MKV/MOV, or None). The container follows the
    suffix (H.264, or VP8 for .webm)."""
    path = Path(path)
    width, height = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    background = np.stack([128 + 60 * np.sin(xx / 5 + c) * np.cos(yy / 7 - c) for c in range(3)], axis=-1)
    side = max(4, min(width, height) // 3)
    square = 128 + 100 * np.sign(np.sin(np.add.outer(np.arange(side), np.arange(side)) / 2.0))[..., None] * [1, -1, 0.5]
    with av.open(str(path), "w") as out:
        codec, options = ("libvpx", {}) if path.suffix == ".webm" else ("libx264", {"crf": "18", "preset": "ultrafast"})
        stream = out.add_stream(codec, rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        sound = out.add_stream(audio, rate=48000, layout="mono") if audio else None
        for i in range(frames):
            img = background.copy()
            x = (2 * i) % max(1, width - side)
            y = (height - side) // 2
            img[y : y + side, x : x + side] = square
            if noise:
                img += rng.normal(0, noise, img.shape)
            frame = av.VideoFrame.from_ndarray(np.clip(img, 0, 255).astype(np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, 1 / Fraction(fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if sound is not None:
            rate, fmt = 48000, sound.codec_context.codec.audio_formats[0].name
            samples = int(rate * frames / Fraction(fps))
            wave = 0.3 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)
            for start in range(0, samples, 1024):
                chunk = wave[start : start + 1024][None]
                data = (chunk * 32767).astype(np.int16) if fmt.startswith("s16") else chunk.astype(np.float32)
                frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="mono")
                frame.sample_rate, frame.pts = rate, start
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
    return path
