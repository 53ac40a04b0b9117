"""FrameRecorder: JPEG frames with their arrival times become an MP4 that plays at the rate they came
(each frame at its own time), encoded as they are added; a recording with no frame leaves no file."""

from __future__ import annotations

import pytest

from stylecore import video
from stylecore.video import FrameRecorder, VideoError
from stylecore.video.probe import open_video, video_stream
from tests.conftest import image_bytes


def frame_times(path) -> list[float]:  # noqa: ANN001
    with open_video(path) as container:
        return [float(f.pts * f.time_base) for f in container.decode(video_stream(container))]


def test_frames_keep_their_arrival_times_and_the_achieved_rate(tmp_path) -> None:  # noqa: ANN001
    times = [10.0, 10.1, 10.25, 10.5, 10.6]  # uneven, as a busy server sends them
    recorder = FrameRecorder(tmp_path / "rec.mp4")
    for at in times:
        recorder.add(image_bytes((33, 25), format="JPEG"), at)
    recorded = recorder.finish()
    assert (recorded.frames, recorded.width, recorded.height) == (5, 32, 24)  # even sides for yuv420p
    assert recorded.fps == pytest.approx(4 / 0.6)
    assert recorded.seconds == pytest.approx(0.6 + 0.15)
    assert frame_times(tmp_path / "rec.mp4") == pytest.approx([t - 10.0 for t in times], abs=0.002)
    assert video.inspect_video(tmp_path / "rec.mp4").frames == 5


def test_one_frame_has_no_rate(tmp_path) -> None:  # noqa: ANN001
    recorder = FrameRecorder(tmp_path / "rec.mp4")
    recorder.add(image_bytes((32, 24), format="JPEG"), 5.0)
    recorded = recorder.finish()
    assert (recorded.frames, recorded.fps, recorded.seconds) == (1, None, 0.0)
    assert video.inspect_video(tmp_path / "rec.mp4").frames == 1


def test_a_frame_of_another_size_is_scaled_to_the_first(tmp_path) -> None:  # noqa: ANN001
    recorder = FrameRecorder(tmp_path / "rec.mp4")
    recorder.add(image_bytes((48, 32), format="JPEG"), 0.0)
    recorder.add(image_bytes((64, 48), format="JPEG"), 0.0)  # same moment: still a frame of its own
    assert recorder.finish().frames == 2
    assert [f.shape for f in video.read_frames(tmp_path / "rec.mp4")] == [(32, 48, 3)] * 2


def test_nothing_recorded_leaves_no_file(tmp_path) -> None:  # noqa: ANN001
    recorder = FrameRecorder(tmp_path / "rec.mp4")
    with pytest.raises(VideoError, match="Nothing was recorded"):
        recorder.finish()
    assert not (tmp_path / "rec.mp4").exists()


def test_a_frame_that_is_not_a_jpeg_is_refused(tmp_path) -> None:  # noqa: ANN001
    recorder = FrameRecorder(tmp_path / "rec.mp4")
    with pytest.raises(VideoError, match="not a JPEG"):
        recorder.add(b"not a picture", 0.0)
    recorder.discard()
    assert not (tmp_path / "rec.mp4").exists()
