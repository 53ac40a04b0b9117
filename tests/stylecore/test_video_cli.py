"""`python -m stylecore video ...`: exit 0 with a result, exit 2 and one line for bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stylecore import johnson, video
from stylecore.modelfile import save_model
from tests.helpers.video import synthetic_clip

pytestmark = pytest.mark.slow  # CLI subprocesses, about 11 s

ROOT = Path(__file__).resolve().parents[2]


def johnson_model(path: Path) -> Path:
    net = johnson.TransformerNet(variant="light")
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style="test", training={"steps_done": 0}))


def cli(*args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "STYLECORE_VGG_WEIGHTS": "random", "STYLECORE_DEVICE": "cpu", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "stylecore", "video", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_stylizes_a_clip_and_exits_0(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=4)
    done = cli(johnson_model(tmp_path / "m.safetensors"), clip, "-o", tmp_path / "out.mp4", "--height", 32, "--stable")
    assert done.returncode == 0, done.stderr
    assert "4 frames" in done.stdout
    info = video.inspect_video(tmp_path / "out.mp4")
    assert (info.frames, info.height, info.audio_codec) == (4, 32, "aac")


def test_a_fake_video_exits_2_with_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    done = cli(johnson_model(tmp_path / "m.safetensors"), fake, "-o", tmp_path / "out.mp4")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: This file is not a video") and "Traceback" not in done.stderr
    assert not (tmp_path / "out.mp4").exists()


def test_a_bad_option_or_a_missing_output_exits_2(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=2)
    assert cli("chen", clip, "-o", tmp_path / "out.mp4", "--batch", 0).returncode == 2  # OptionError
    assert cli("chen", clip).returncode == 2  # argparse: -o is required
