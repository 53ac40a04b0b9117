"""Uploads that are not usable videos get a short, clear error, and nothing is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from stylecore import video
from stylecore.errors import OptionError, StylecoreError
from tests.helpers.video import synthetic_clip


def test_it_refuses_a_text_file_named_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video\n" * 50)
    with pytest.raises(video.VideoError, match="not a video"):
        video.inspect_video(fake)


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").touch()
    with pytest.raises(video.VideoError, match="empty"):
        video.inspect_video(tmp_path / "empty.mp4")


def test_it_refuses_a_still_image(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (32, 32), "red").save(tmp_path / "photo.png")
    (tmp_path / "photo.png").rename(tmp_path / "photo.mp4")
    with pytest.raises(video.VideoError, match="not a video"):
        video.inspect_video(tmp_path / "photo.mp4")


def test_it_refuses_truncated_videos(tmp_path: Path) -> None:
    """Cut at 60%: the index at the end is gone (camera files), or the frames it lists are (faststart)."""
    clip = synthetic_clip(tmp_path / "in.mp4", frames=12)
    faststart = tmp_path / "faststart.mp4"
    video.stylize_video(clip, faststart, lambda x: x)
    for source in (clip, faststart):
        data = source.read_bytes()
        cut = tmp_path / f"cut-{source.name}"
        cut.write_bytes(data[: len(data) * 6 // 10])
        with pytest.raises(video.VideoError, match="truncated|damaged"):
            video.inspect_video(cut)


def test_video_errors_are_stylecore_errors_shown_as_they_are() -> None:
    assert issubclass(video.VideoError, StylecoreError)


def test_a_refused_job_leaves_no_output(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mov"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    with pytest.raises(video.VideoError):
        video.stylize_video(fake, tmp_path / "out.mp4", lambda x: x)
    assert not (tmp_path / "out.mp4").exists()


def test_a_job_failing_midway_leaves_no_output(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=8)

    def breaks_on_second_batch(x):  # noqa: ANN001, ANN202
        breaks_on_second_batch.calls += 1
        if breaks_on_second_batch.calls == 2:
            raise RuntimeError("out of memory")
        return x

    breaks_on_second_batch.calls = 0
    with pytest.raises(RuntimeError):
        video.stylize_video(clip, tmp_path / "out.mp4", breaks_on_second_batch, video.VideoConfig(batch=2))
    assert not (tmp_path / "out.mp4").exists()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"height": 8}, "height"),
        ({"batch": 0}, "batch"),
        ({"start": 2.0, "end": 1.0}, "end"),
        ({"start": -1.0}, "start"),
    ],
)
def test_it_refuses_absurd_options(options: dict, field: str) -> None:
    with pytest.raises(OptionError) as caught:
        video.VideoConfig(**options)
    assert caught.value.field == field


def test_a_start_past_the_end_is_refused(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=6, fps=12)
    with pytest.raises(OptionError, match="past the end"):
        video.stylize_video(clip, tmp_path / "out.mp4", lambda x: x, video.VideoConfig(start=5.0))


def test_it_refuses_a_sound_file_without_video(tmp_path: Path) -> None:
    import av
    import numpy as np

    with av.open(str(tmp_path / "song.mp4"), "w") as out:
        sound = out.add_stream("aac", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 48000, 0
        out.mux(sound.encode(frame))
        out.mux(sound.encode(None))
    with pytest.raises(video.VideoError, match="no video stream"):
        video.inspect_video(tmp_path / "song.mp4")


def test_it_refuses_videos_over_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=24, fps=12, size=(64, 48))
    monkeypatch.setattr(video.probe, "MAX_DURATION_SECONDS", 1.5)
    with pytest.raises(video.VideoError, match="too long: 0:02"):
        video.inspect_video(clip)
    monkeypatch.setattr(video.probe, "MAX_DURATION_SECONDS", 60)
    monkeypatch.setattr(video.probe, "MAX_SIDE", 48)
    with pytest.raises(video.VideoError, match="too large: 64x48"):
        video.inspect_video(clip)
