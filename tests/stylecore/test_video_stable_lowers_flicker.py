"""The temporal stability option lowers the flicker measure on a noisy moving clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from stylecore import video
from tests.helpers.video import synthetic_clip


def noise_amplifying_style(x: torch.Tensor) -> torch.Tensor:
    """Like a style network, it exaggerates fine detail, so the camera's noise flickers."""
    return (x + 4 * (x - F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))).clamp(0, 1)


def test_the_stability_option_lowers_flicker(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=16, size=(96, 64), noise=4.0)
    measured = {}
    for stable in (False, True):
        out = tmp_path / f"out-{stable}.mp4"
        record = video.stylize_video(clip, out, noise_amplifying_style, video.VideoConfig(stable=stable))
        measured[stable] = video.flicker(video.read_frames(clip), video.read_frames(out))
        assert record.final_losses["flicker"] > 0
    assert measured[True] < 0.8 * measured[False]


def test_flicker_is_zero_for_a_steady_output_and_ignores_moving_parts() -> None:
    rng = np.random.default_rng(0)
    still = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
    moving = [still.copy() for _ in range(3)]
    for i, frame in enumerate(moving):
        frame[:, :8] = 80 * i  # the left stripe changes in the input: not a static region
    outputs = [frame.copy() for frame in moving]
    assert video.flicker(moving, outputs) == 0.0
    jittery = [frame.copy() for frame in outputs]
    jittery[1][:, 16:] ^= 8  # the output changes where the input does not
    assert video.flicker(moving, jittery) > 0
