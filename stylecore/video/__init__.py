"""Stylize videos frame by frame: PyAV decode -> batches through a network -> H.264 MP4, sound kept.

- probe: upload validation (``inspect_video``, ``VideoInfo``, ``VideoError``, the limits);
- codecs: RGB frames out of a video (``read_frames``, ``first_frame``), H.264 and sound into the MP4;
- stability: optical-flow ``TemporalStabilizer`` and the ``flicker`` measure;
- loop: ``VideoConfig`` and ``stylize_video``, the job for any ``FrameStylizer``;
- stylizers: Johnson and Chen frame functions and ``run_files``, the one file-level entry point
  for the CLI and the gallery's worker;
- recorder: ``FrameRecorder``, frames as they come (webcam JPEGs, their arrival times) into an MP4.

Everything callers use is importable from here (``from stylecore import video``).
"""

from .codecs import first_frame, h264_encoder, read_frames
from .loop import MAX_BATCH, MAX_OUTPUT_HEIGHT, FrameStylizer, VideoConfig, read_video_record, stylize_video
from .probe import (
    CONTAINERS,
    MAX_DURATION_SECONDS,
    MAX_FILE_BYTES,
    MAX_FPS,
    MAX_PIXELS,
    MAX_SIDE,
    VideoError,
    VideoInfo,
    inspect_video,
)
from .recorder import FrameRecorder, Recorded
from .stability import FlickerMeter, TemporalStabilizer, flicker
from .stylizers import Stylizer, chen_stylizer, johnson_stylizer, run_files

__all__ = [
    "CONTAINERS",
    "MAX_BATCH",
    "MAX_DURATION_SECONDS",
    "MAX_FILE_BYTES",
    "MAX_FPS",
    "MAX_OUTPUT_HEIGHT",
    "MAX_PIXELS",
    "MAX_SIDE",
    "Recorded",
    "FlickerMeter",
    "FrameRecorder",
    "FrameStylizer",
    "Stylizer",
    "TemporalStabilizer",
    "VideoConfig",
    "VideoError",
    "VideoInfo",
    "chen_stylizer",
    "first_frame",
    "flicker",
    "h264_encoder",
    "inspect_video",
    "johnson_stylizer",
    "read_frames",
    "read_video_record",
    "run_files",
    "stylize_video",
]
