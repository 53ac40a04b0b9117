"""Opening videos and validating uploads: what a file is, and whether we take it.

``inspect_video`` really opens the file (container, a video stream, every packet there, the
first frame decoded) and applies the upload limits below before anything else reads it at length.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from ..errors import StylecoreError

# Upload limits (checked by inspect_video before anything is decoded at length)
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_DURATION_SECONDS = 10 * 60
MAX_SIDE = 4096
MAX_PIXELS = 3840 * 2160
CONTAINERS = ("mp4", "mov", "matroska", "webm")  # ffmpeg demuxer names: MP4/MOV, MKV/WebM
MAX_FPS = 1000


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


def _not_a_video() -> VideoError:
    return VideoError("This file is not a video we can read (MP4, MOV, WebM or MKV), or it is damaged.")


def open_video(path: Path) -> av.container.InputContainer:
    """The file opened for demuxing; VideoError when FFmpeg cannot read it as a container."""
    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise _not_a_video() from exc


def decode_first_frame(stream: av.video.stream.VideoStream) -> av.VideoFrame:
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
    with open_video(path) as container:
        names = container.format.name.split(",")
        if not set(names) & set(CONTAINERS):
            raise _not_a_video()
        stream = video_stream(container)
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
        rotation = round(decode_first_frame(stream).rotation / 90) * 90 % 360
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


def video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
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
