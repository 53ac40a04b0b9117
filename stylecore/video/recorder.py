"""Record frames as they come (JPEG bytes and the moment each arrived) into an H.264 MP4.

Frames are encoded one by one as they are added, so memory stays small however long the
recording; each frame keeps its own time (variable frame rate), so the video plays at the
rate the frames really came. Used for the webcam's Record button (the gallery's consumer).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

from .codecs import add_h264_stream
from .probe import VideoError

TIME_BASE = Fraction(1, 1000)  # frame times in milliseconds


@dataclass(frozen=True)
class Recorded:
    frames: int
    seconds: float  # from the first frame to the end of the last one
    # the rate achieved: frames per second between the first and the last frame; None for one frame,
    # which has no rate
    fps: float | None
    width: int
    height: int


class FrameRecorder:
    """`add(jpeg, at)` for each frame (`at`: seconds on any monotonic clock), then `finish()`; or
    `discard()`. Not thread-safe: call it from one thread at a time. The first frame sets the size
    (rounded down to even, as yuv420p needs); later frames of another size are scaled to it."""

    def __init__(self, path: str | Path, *, crf: int = 23) -> None:
        self.path = Path(path)
        self.crf = crf
        self.frames = 0
        self._out: av.container.OutputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._size = (0, 0)
        self._first = 0.0
        self._last_pts = -1

    def add(self, jpeg: bytes, at: float) -> None:
        try:
            image = Image.open(io.BytesIO(jpeg), formats=("JPEG",)).convert("RGB")
        except (UnidentifiedImageError, OSError) as error:
            raise VideoError("A recorded frame is not a JPEG picture.") from error
        if self._out is None:
            self._open(image.size, at)
        if image.size != self._size:
            image = image.resize(self._size, Image.Resampling.BILINEAR)
        # a millisecond apart at least: two frames at one time would make the muxer refuse the second
        pts = max(round((at - self._first) / TIME_BASE), self._last_pts + 1)
        frame = av.VideoFrame.from_image(image)
        frame.pts, frame.time_base = pts, TIME_BASE
        self._out.mux(self._stream.encode(frame))
        self._last_pts = pts
        self.frames += 1

    def _open(self, size: tuple[int, int], at: float) -> None:
        width, height = size
        self._size = (max(2, width - width % 2), max(2, height - height % 2))
        self._first = at
        self._out = av.open(str(self.path), "w", format="mp4", options={"movflags": "+faststart"})
        self._stream = add_h264_stream(self._out, self._size, TIME_BASE, crf=self.crf)

    def finish(self) -> Recorded:
        """Close the MP4 and say what it holds; VideoError (and no file) when no frame was added."""
        if self._out is None:
            self.discard()
            raise VideoError("Nothing was recorded: no stylized frame came back while recording.")
        self._out.mux(self._stream.encode(None))
        self._out.close()
        self._out = None
        span = self._last_pts * TIME_BASE
        fps = float((self.frames - 1) / span) if span else None
        seconds = float(span) + (1 / fps if fps else 0.0)  # the last frame lasts one frame's time too
        return Recorded(self.frames, seconds, fps, *self._size)

    def discard(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self.path.unlink(missing_ok=True)
