"""Progress reaches the caller every step, previews every N steps, and a stop request ends the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from stylecore.features import VGGFeatures
from stylecore.gatys import GatysConfig, run_files, stylize
from stylecore.images import image_to_tensor, read_record
from stylecore.progress import Progress

from .conftest import photo

pytestmark = pytest.mark.slow  # Gatys and ZS-N2N runs, about 11 s

CONTENT = image_to_tensor(photo(32, 32, seed=1))
STYLE = image_to_tensor(photo(32, 32, seed=2))


def test_previews_arrive_every_n_steps(vgg: VGGFeatures) -> None:
    seen: list[Progress] = []
    stylize(
        CONTENT,
        [STYLE],
        GatysConfig(size=32, steps=4, preview_every=2),
        features=vgg,
        on_progress=lambda p: seen.append(p) or False,
    )
    assert [p.step for p in seen] == [1, 2, 3, 4] and {p.total for p in seen} == {4}
    assert [p.preview is not None for p in seen] == [False, True, False, True]
    assert seen[1].preview.size == (32, 32) and seen[1].preview.mode == "RGB"
    assert set(seen[0].losses) == {"content", "style", "tv", "total"}


def test_a_stop_request_ends_the_run_and_keeps_the_partial_result(tmp_path: Path, write_image) -> None:  # noqa: ANN001
    steps: list[int] = []

    def stop_after_two(progress: Progress) -> bool:
        steps.append(progress.step)
        return progress.step >= 2

    config = GatysConfig(size=32, steps=50, scales=2)
    record = run_files(
        write_image("c.png"),
        [write_image("s.png")],
        tmp_path / "out.png",
        config,
        device="cpu",
        on_progress=stop_after_two,
    )
    assert steps == [1, 2]
    assert record.stopped and record.steps_done == 2
    assert read_record(tmp_path / "out.png")["stopped"] is True
    with Image.open(tmp_path / "out.png") as out:
        assert out.size == (32, 32)  # stopped at the coarse scale, still saved at full size


def test_the_denoise_post_process_runs_after_the_stylization(vgg: VGGFeatures) -> None:
    stages: list[str] = []

    def stop_denoising_early(progress: Progress) -> bool:
        stages.append(progress.stage)
        return progress.stage == "denoise" and progress.step >= 3

    result = stylize(
        CONTENT, [STYLE], GatysConfig(size=32, steps=2, denoise=True), features=vgg, on_progress=stop_denoising_early
    )
    assert stages == ["", "", "denoise", "denoise", "denoise"]
    assert result.stopped and result.image.shape == CONTENT.shape
