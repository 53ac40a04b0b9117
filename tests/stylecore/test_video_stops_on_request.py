"""A stop request mid-video ends the job early with a shorter, valid MP4."""

from __future__ import annotations

from pathlib import Path

from stylecore import video
from tests.helpers.video import synthetic_clip


def test_it_stops_early_and_leaves_a_playable_partial_video(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=12)
    steps = []

    def stop_after_four(progress) -> bool:  # noqa: ANN001
        steps.append(progress.step)
        return progress.step >= 4

    record = video.stylize_video(
        clip, tmp_path / "out.mp4", lambda x: 1 - x, video.VideoConfig(batch=2), on_progress=stop_after_four
    )
    assert record.stopped and record.steps_done == 4 and steps == [2, 4]
    info = video.inspect_video(tmp_path / "out.mp4")  # reopens and demuxes it: a valid file
    assert info.frames == 4 and info.fps == 12 and info.video_codec == "h264"
    assert len(video.read_frames(tmp_path / "out.mp4")) == 4
