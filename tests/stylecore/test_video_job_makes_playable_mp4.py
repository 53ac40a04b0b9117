"""A video job writes an MP4 every browser plays: H.264, yuv420p, same frames and rate, the sound kept."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
import torch
import torch.nn.functional as F

from stylecore import video
from tests.helpers.video import synthetic_clip


def sharpen(x: torch.Tensor) -> torch.Tensor:
    """A stand-in style: visibly changes every frame, deterministic, needs no weights."""
    return (x + 2 * (x - F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))).clamp(0, 1)


def streams(path: Path) -> tuple[dict, dict | None]:
    with av.open(str(path)) as container:
        v = container.streams.video[0]
        frames = sum(1 for _ in container.decode(v))
        vinfo = {
            "codec": v.codec_context.name,
            "pix_fmt": v.codec_context.pix_fmt,
            "size": (v.codec_context.width, v.codec_context.height),
            "rate": v.average_rate,
            "frames": frames,
        }
        a = container.streams.audio[0] if container.streams.audio else None
        ainfo = {"codec": a.codec_context.name, "rate": a.codec_context.sample_rate} if a else None
    return vinfo, ainfo


def test_it_keeps_frame_count_rate_and_copies_the_sound(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=10, fps=12)
    record = video.stylize_video(clip, tmp_path / "out.mp4", sharpen, video.VideoConfig(batch=3))
    v, a = streams(tmp_path / "out.mp4")
    assert v == {"codec": "h264", "pix_fmt": "yuv420p", "size": (64, 48), "rate": 12, "frames": 10}
    assert a == {"codec": "aac", "rate": 48000}
    assert record.params["audio"] == "copied (aac)"
    assert record.steps_done == 10 and not record.stopped


def test_the_output_is_stylized_not_a_copy(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=4)
    video.stylize_video(clip, tmp_path / "out.mp4", lambda x: 1 - x)
    before, after = video.read_frames(clip), video.read_frames(tmp_path / "out.mp4")
    assert abs(int(before[0].mean()) + int(after[0].mean()) - 255) < 10  # inverted colours


def test_a_clip_without_sound_gives_a_video_without_sound(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=6, audio=None)
    record = video.stylize_video(clip, tmp_path / "out.mp4", sharpen)
    v, a = streams(tmp_path / "out.mp4")
    assert v["frames"] == 6 and a is None
    assert record.params["audio"] == "none"


@pytest.mark.parametrize(
    ("name", "codec", "note"), [("in.mkv", "pcm_s16le", "transcoded"), ("in.webm", "libopus", "copied")]
)
def test_it_takes_mkv_and_webm_and_keeps_their_sound(tmp_path: Path, name: str, codec: str, note: str) -> None:
    clip = synthetic_clip(tmp_path / name, frames=6, audio=codec)
    record = video.stylize_video(clip, tmp_path / "out.mp4", sharpen)
    v, a = streams(tmp_path / "out.mp4")
    assert v["frames"] == 6 and v["rate"] == 12
    assert a is not None
    assert record.params["audio"].startswith(note)


def test_the_mp4_starts_with_its_index_so_browsers_play_it_while_loading(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=4)
    video.stylize_video(clip, tmp_path / "out.mp4", sharpen)
    data = (tmp_path / "out.mp4").read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")


def test_output_height_and_the_seconds_window(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=24, fps=12, size=(96, 64))
    config = video.VideoConfig(height=32, start=0.5, end=1.5)
    record = video.stylize_video(clip, tmp_path / "out.mp4", sharpen, config)
    v, a = streams(tmp_path / "out.mp4")
    assert v["size"] == (48, 32)
    assert v["frames"] == 12 == record.steps_done
    assert a is not None
    with av.open(str(tmp_path / "out.mp4")) as container:
        sound = container.streams.audio[0]
        assert abs(float(sound.duration * sound.time_base) - 1.0) < 0.1  # the sound is trimmed too


def test_a_phone_video_filmed_upright_comes_out_upright(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=4, size=(64, 48), rotation=90)
    assert video.inspect_video(clip).rotation == 90
    video.stylize_video(clip, tmp_path / "out.mp4", sharpen)
    v, _ = streams(tmp_path / "out.mp4")
    assert v["size"] == (48, 64)


def test_progress_reports_frames_fps_and_previews(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=8)
    seen = []
    video.stylize_video(
        clip,
        tmp_path / "out.mp4",
        sharpen,
        video.VideoConfig(batch=2, preview_every=4),
        on_progress=lambda p: seen.append(p) and False,
    )
    assert [p.step for p in seen] == [2, 4, 6, 8]
    assert all(p.total == 8 and p.stage == "frames" and p.losses["fps"] > 0 for p in seen)
    assert [p.preview is not None for p in seen] == [False, True, False, True]
    assert seen[-1].preview.size == (64, 48)


def test_the_result_file_says_what_made_it(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=4)
    video.stylize_video(clip, tmp_path / "out.mp4", sharpen, algorithm="video:test", random_weights=True)
    stored = video.read_video_record(tmp_path / "out.mp4")
    assert stored["algorithm"] == "video:test" and stored["random_weights"] is True
    assert stored["params"]["audio"] == "copied (aac)"
