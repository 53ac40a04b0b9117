"""Johnson and Chen with masks: one pass per model or style, composited under feathered masks: far inside a
mask its own result, far outside the photo (unmasked=photo), a soft edge between."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from stylecore import chen, johnson
from stylecore.errors import OptionError
from stylecore.images import read_record
from stylecore.johnson.network import PIXEL_SCALE
from stylecore.masks import Composite, feather, regions
from stylecore.modelfile import save_model

from .conftest import photo
from .test_video_runs_johnson_and_chen import chen_decoder

SIZE = 64


def left_half(path: Path) -> Path:
    pixels = np.zeros((SIZE, SIZE), np.uint8)
    pixels[:, : SIZE // 2] = 255
    Image.fromarray(pixels).save(path)
    return path


def as_array(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def test_each_result_shows_far_inside_its_mask_and_the_edge_is_soft() -> None:
    shape = (1, 3, 128, 128)
    photo_t, first, second = torch.zeros(shape), torch.full(shape, 0.5), torch.ones(shape)
    mask = torch.zeros(1, 1, 128, 128)
    mask[..., :64] = 1
    composite = Composite(photo_t, [mask, None], "photo")
    composite.add(0, first)
    composite.add(1, second)
    row = composite.image[0, 0, 64]
    assert torch.allclose(row[:56], torch.tensor(0.5)) and torch.allclose(row[72:], torch.tensor(1.0))
    steps = row.diff()
    # rises from one result to the other over several pixels, never a hard seam
    assert (steps >= -1e-6).all() and steps.max() < 0.25 * 0.5 and (steps > 1e-3).sum() >= 6


def test_uncovered_pixels_are_the_photo_or_stylized() -> None:
    photo_t, result = torch.zeros(1, 3, 64, 64), torch.ones(1, 3, 64, 64)
    mask = torch.zeros(1, 1, 64, 64)
    mask[..., 16:48, 16:48] = 1
    for unmasked, outside in (("photo", 0.0), ("style", 1.0)):
        composite = Composite(photo_t, [mask], unmasked)
        composite.add(0, result)
        assert composite.image[..., 32, 32].eq(1).all()
        assert torch.allclose(composite.image[..., 2, 2], torch.tensor(outside))


def test_overlapping_masks_share_and_the_rest_is_what_they_leave() -> None:
    ones = torch.ones(1, 1, 8, 8)
    rest = regions([ones, ones * 0.25, None], torch.zeros(1, 3, 8, 8))[2]
    assert rest.max() == 0  # two masks covering 125 % leave nothing
    composite = Composite(torch.zeros(1, 3, 8, 8), [ones, ones], "photo")
    composite.add(0, torch.ones(1, 3, 8, 8))
    composite.add(1, torch.zeros(1, 3, 8, 8))
    assert torch.allclose(composite.image, torch.tensor(0.5))  # half each, never more than 100 % in all


def test_the_feather_grows_with_the_image() -> None:
    def blurred_width(size: int) -> int:
        mask = torch.zeros(1, 1, size, size)
        mask[..., : size // 2] = 1
        row = feather(mask)[0, 0, size // 2]
        return int(((row > 0.01) & (row < 0.99)).sum())

    assert blurred_width(512) >= 3 * blurred_width(128) > 0


def johnson_model(path: Path, seed: int) -> Path:
    """An untrained light model that paints its own colour over a faint picture (untrained ones are near black)."""
    torch.manual_seed(seed)
    net = johnson.TransformerNet(variant="light")
    with torch.no_grad():
        net.refine.conv2d.bias.copy_(torch.rand(3) * PIXEL_SCALE)
    return save_model(path, net.state_dict(), johnson.model_metadata(net, style=f"style {seed}", training={}))


def test_johnson_composites_two_models(tmp_path: Path) -> None:
    photo(SIZE, SIZE, seed=1).save(tmp_path / "photo.png")
    models = [johnson_model(tmp_path / f"m{seed}.safetensors", seed) for seed in (1, 2)]
    for index, model in enumerate(models):
        johnson.run_files(model, tmp_path / "photo.png", tmp_path / f"alone{index}.png", engine="torch")
    record = johnson.run_files(
        models,
        tmp_path / "photo.png",
        tmp_path / "out.png",
        engine="torch",
        masks=[left_half(tmp_path / "mask.png"), None],
    )
    out, first, second = (as_array(tmp_path / name) for name in ("out.png", "alone0.png", "alone1.png"))
    assert np.abs(out[:, :20] - first[:, :20]).max() <= 1
    assert np.abs(out[:, 44:] - second[:, 44:]).max() <= 1
    assert np.abs(first - second).mean() > 5  # the two models really differ
    params = read_record(tmp_path / "out.png")["params"]
    assert params["masks"] == ["mask.png", "rest"] and params["unmasked"] == "photo"
    assert params["style"] == ["style 1", "style 2"] and record.params == params


def test_johnson_with_one_mask_keeps_the_photo_outside(tmp_path: Path) -> None:
    photo(SIZE, SIZE, seed=1).save(tmp_path / "photo.png")
    model = johnson_model(tmp_path / "m.safetensors", 1)
    johnson.run_files(model, tmp_path / "photo.png", tmp_path / "alone.png", engine="torch")
    mask = left_half(tmp_path / "mask.png")
    johnson.run_files(model, tmp_path / "photo.png", tmp_path / "out.png", engine="torch", masks=[mask])
    out, alone, original = (as_array(tmp_path / name) for name in ("out.png", "alone.png", "photo.png"))
    assert np.abs(out[:, :20] - alone[:, :20]).max() <= 1
    assert np.abs(out[:, 44:] - original[:, 44:]).max() <= 1


def test_chen_composites_two_styles(tmp_path: Path) -> None:
    photo(48, 48, seed=1).save(tmp_path / "photo.png")  # the decoder is the slow part
    photo(40, 40, seed=7).save(tmp_path / "a.png")
    Image.effect_mandelbrot((40, 40), (-2, -1.5, 1, 1.5), 50).convert("RGB").save(tmp_path / "b.png")
    decoder = chen_decoder(tmp_path / "d.safetensors")
    config = chen.ChenConfig(style_size=40)
    for name in ("a", "b"):
        chen.run_files(
            tmp_path / "photo.png", tmp_path / f"{name}.png", tmp_path / f"{name}-alone.png", config, decoder=decoder
        )
    record = chen.run_files(
        tmp_path / "photo.png",
        [tmp_path / "a.png", tmp_path / "b.png"],
        tmp_path / "out.png",
        config,
        decoder=decoder,
        masks=[None, left_half(tmp_path / "left.png")],
    )
    out, a, b = (as_array(tmp_path / name) for name in ("out.png", "a-alone.png", "b-alone.png"))
    assert np.abs(out[:, :18] - b[:, :18]).max() <= 1  # b's mask is the left half, a has the rest
    assert np.abs(out[:, 30:] - a[:, 30:]).max() <= 1
    assert record.params["styles"] == ["a.png", "b.png"] and record.params["masks"] == ["rest", "left.png"]


@pytest.mark.parametrize("masks", [None, [None, None], [None, None, None]])
def test_a_mask_count_that_does_not_match_is_refused_first(tmp_path: Path, masks: list | None) -> None:
    models = [tmp_path / "never-read.safetensors"] * 2
    with pytest.raises(OptionError, match="mask"):
        johnson.run_files(models, tmp_path / "none.png", tmp_path / "out.png", masks=masks)
    with pytest.raises(OptionError, match="mask"):
        chen.run_files(
            tmp_path / "n.png", models, tmp_path / "o.png", chen.ChenConfig(), decoder=models[0], masks=masks
        )
