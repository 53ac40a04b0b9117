"""Frame decoding and MP4 encoding helpers: RGB frames out of PyAV, H.264 and the sound in.

Frames move through memory only (PyAV frames -> numpy and back); nothing is written to disk
frame by frame.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image

from .probe import VideoError, VideoInfo, decode_first_frame, inspect_video, open_video, video_stream

log = logging.getLogger(__name__)

H264_ENCODERS = ("libx264", "libopenh264", "h264")  # first one this PyAV build can encode with
AUDIO_COPY_CODECS = ("aac", "mp3", "opus")  # go into MP4 as they are and play in browsers
_AAC_LAYOUTS = {1: "mono", 2: "stereo", 3: "3.0", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}


def read_frames(path: str | Path, *, height: int | None = None) -> list[np.ndarray]:
    """Every frame of a (short) video as (H,W,3) uint8 RGB, upright; for tests and the bench."""
    info = inspect_video(path)
    size = output_size(info, height)
    with open_video(Path(path)) as container:
        return [to_rgb(f, size, info.rotation) for f in container.decode(video_stream(container))]


def first_frame(path: str | Path, *, info: VideoInfo | None = None) -> Image.Image:
    """The first frame, upright, as an RGB image (posters and thumbnails)."""
    info = info or inspect_video(path)
    with open_video(Path(path)) as container:
        frame = decode_first_frame(video_stream(container))
        return Image.fromarray(to_rgb(frame, (info.width, info.height), info.rotation))


def output_size(info: VideoInfo, height: int | None) -> tuple[int, int]:
    """(width, height) as displayed, both even (yuv420p needs it)."""
    out_h = height or info.height
    out_w = round(info.width * out_h / info.height)
    return max(2, out_w - out_w % 2), max(2, out_h - out_h % 2)


def to_rgb(frame: av.VideoFrame, size: tuple[int, int], rotation: int) -> np.ndarray:
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


def add_h264_stream(
    out: av.container.OutputContainer,
    size: tuple[int, int],
    time_base: Fraction,
    *,
    rate: Fraction | None = None,
    crf: int = 20,
) -> av.video.stream.VideoStream:
    """An H.264 yuv420p stream in `out` (`size` even), frames timed in `time_base` units: at a
    constant `rate`, or at whatever times their pts say (rate None: e.g. webcam recordings)."""
    stream = out.add_stream(h264_encoder(), rate=rate, options={"crf": str(crf), "preset": "veryfast"})
    stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
    stream.codec_context.time_base = time_base
    return stream


class AudioPass:
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


def decode_packet(packet: av.Packet, frames_seen: int) -> list[av.VideoFrame]:
    try:
        return packet.decode()
    except av.FFmpegError as exc:
        raise VideoError(f"The video is damaged after frame {frames_seen}.") from exc
