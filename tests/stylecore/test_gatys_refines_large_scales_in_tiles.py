"""Gatys refines a scale larger than a tile one overlapping tile at a time (stylecore.gatys_tiles):
the tiles cover the image, progress counts every tile's steps, previews show the whole image, a stop
request ends the run between or within tiles, and the tiles join without seams."""

from __future__ import annotations

import pytest
import torch

from stylecore import gatys_tiles, tiles
from stylecore.features import VGGFeatures
from stylecore.gatys import GatysConfig, stylize
from stylecore.images import image_to_tensor
from stylecore.progress import Progress
from tests.helpers.seams import seam_figures

from .conftest import photo

WIDTH, HEIGHT, TILE = 128, 112, 80  # 2 x 2 tiles, once the sizes below are set
CONTENT = image_to_tensor(photo(WIDTH, HEIGHT, seed=1))
STYLE = image_to_tensor(photo(64, 64, seed=2))


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Automatic tiles at tiny sizes, so that each test runs in about a second."""
    monkeypatch.setattr(gatys_tiles, "TILE_ABOVE", 64)
    monkeypatch.setattr(gatys_tiles, "TILE_SIZE", TILE)
    monkeypatch.setattr(gatys_tiles, "OVERLAP", 16)


def run(vgg: VGGFeatures, on_progress: object = None, **options: object) -> object:
    config = GatysConfig(size=WIDTH, optimizer="adam", weights="random", **({"steps": 2} | options))
    return stylize(CONTENT, [STYLE], config, features=vgg, on_progress=on_progress)


def test_the_tiles_cover_the_image_and_overlap() -> None:
    blend = tiles.Blend(HEIGHT, WIDTH, tile=TILE, overlap=16, device=torch.device("cpu"))
    covered = torch.zeros(HEIGHT, WIDTH, dtype=torch.int64)
    for rows, columns in blend.places:
        covered[rows, columns] += 1
    assert len(blend.places) == 4 and covered.min() == 1 and covered.max() == 4
    assert gatys_tiles.tile_areas(HEIGHT, WIDTH, TILE) == [
        (r.stop - r.start) * (c.stop - c.start) for r, c in blend.places
    ]
    assert gatys_tiles.tile_side(None, 64, 64) is None and gatys_tiles.tile_side(0, HEIGHT, WIDTH) is None


def test_a_tiled_scale_reports_every_tiles_steps_with_whole_previews(vgg: VGGFeatures) -> None:
    seen: list[Progress] = []
    result = run(vgg, lambda p: seen.append(p) or False, scales=2, preview_every=1)
    # scale 1 (64 x 56) runs whole; scale 2 (128 x 112) in 4 tiles of 2 steps each
    assert [p.stage for p in seen[:3]] == ["scale 1/2", "scale 1/2", "scale 2/2, tile 1/4"]
    assert seen[-1].stage == "scale 2/2, tile 4/4"
    assert [p.step for p in seen] == list(range(1, 11)) and {p.total for p in seen} == {10}
    assert seen[-1].preview.size == (WIDTH, HEIGHT) and seen[0].preview.size == (64, 56)
    assert result.steps_done == 10 and not result.stopped
    assert result.image.shape == CONTENT.shape and 0 <= result.image.min() and result.image.max() <= 1
    assert not torch.equal(result.image, CONTENT)


def test_a_stop_after_a_tile_leaves_the_other_tiles_as_they_came(vgg: VGGFeatures) -> None:
    result = run(vgg, lambda p: p.step >= 2)  # the first tile's last step
    assert result.stopped and result.steps_done == 2
    # the bottom-right corner belongs to the last tile only, which never ran
    assert torch.equal(result.image[..., -20:, -20:], CONTENT[..., -20:, -20:])
    assert not torch.equal(result.image[..., :20, :20], CONTENT[..., :20, :20])


class StopAsked:
    """A caller that asks to stop, without a report, once `after` steps are done."""

    def __init__(self, after: int) -> None:
        self.after, self.steps = after, 0

    def __call__(self, progress: Progress) -> bool:
        self.steps = progress.step
        return False

    def stop_requested(self) -> bool:
        return self.steps >= self.after


@pytest.mark.parametrize(("after", "steps_done"), [(2, 2), (3, 3)])
def test_a_stop_request_ends_the_run_between_or_within_tiles(vgg: VGGFeatures, after: int, steps_done: int) -> None:
    # after 2: asked while the second tile makes its content target; after 3: within its second step
    result = run(vgg, StopAsked(after))
    assert result.stopped and result.steps_done == steps_done


def test_tiles_join_without_seams(vgg: VGGFeatures) -> None:
    whole = run(vgg, tile=0, seed=0).image
    tiled = run(vgg, seed=0).image
    border, elsewhere = seam_figures(tiled, whole, TILE, overlap=16)
    # Tiles this small (80 px) move every pixel somewhat differently from a whole run (their Grams
    # see less); a seam would add to that where the tiles blend: measured 13.0 vs 12.0 levels.
    assert 0 < border <= 1.25 * elsewhere
