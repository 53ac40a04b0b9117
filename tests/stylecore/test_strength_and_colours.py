"""Strength and keep-colours (stylecore.finish) mean the same for every stylizer: 0 is the photo,
1 the full result, and the layers kept with a result make any other strength without a rerun."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from stylecore import chen, finish, johnson, video
from stylecore.cli import main
from stylecore.errors import OptionError
from stylecore.gatys import GatysConfig
from stylecore.gatys import run_files as gatys_run_files
from stylecore.images import image_to_tensor, load_image, read_record, tensor_to_image
from stylecore.record import RunRecord
from tests.helpers.video import synthetic_clip

from .conftest import photo
from .test_video_runs_johnson_and_chen import chen_decoder, johnson_model


def pixels(path: Path) -> np.ndarray:
    return np.asarray(load_image(path).rgb, dtype=np.int16)


STYLIZERS = ["johnson", "chen", pytest.param("gatys", marks=pytest.mark.slow)]


def stylize(folder: Path, stylizer: str, name: str, **options: object) -> Path:
    """One result of `stylizer` with these finishing options; its layers go to folder/L-<name>."""
    content, style = folder / "content.png", folder / "style.png"
    if not content.exists():
        photo(40, 32, seed=1).save(content)
        photo(40, 40, seed=9).save(style)
        johnson_model(folder / "m.safetensors")
        chen_decoder(folder / "d.safetensors")
    out, layers = folder / f"{name}.png", folder / f"L-{name}"
    if stylizer == "johnson":
        config = johnson.JohnsonConfig(**options)
        johnson.run_files(folder / "m.safetensors", content, out, config, layers=layers)
    elif stylizer == "chen":
        config = chen.ChenConfig(style_size=40, **options)
        chen.run_files(content, style, out, config, decoder=folder / "d.safetensors", layers=layers)
    else:
        gatys_run_files(content, [style], out, GatysConfig(size=40, steps=2, seed=0, **options), layers=layers)
    return out


@pytest.mark.parametrize("stylizer", STYLIZERS)
def test_strength_0_gives_the_photo_and_1_the_full_result(tmp_path: Path, stylizer: str) -> None:
    full = pixels(stylize(tmp_path, stylizer, "full"))
    none = pixels(stylize(tmp_path, stylizer, "none", strength=0.0))
    half = stylize(tmp_path, stylizer, "half", strength=0.5)
    photo_pixels = pixels(tmp_path / "content.png")
    assert np.abs(none - photo_pixels).max() <= 1  # the photo, to rounding
    assert np.abs(full - photo_pixels).mean() > 5  # the style shows
    assert np.abs(pixels(half) - (full + photo_pixels) / 2).max() <= 1.01  # a straight blend
    assert read_record(half)["params"]["strength"] == 0.5
    assert (pixels(tmp_path / "L-half" / finish.FULL_LAYER) == full).all()  # the layer is the full result


@pytest.mark.parametrize("stylizer", ["johnson", "chen"])
def test_keeping_colours_puts_the_results_luminance_on_the_photos_chroma(tmp_path: Path, stylizer: str) -> None:
    plain = load_image(stylize(tmp_path, stylizer, "plain")).rgb
    kept = stylize(tmp_path, stylizer, "kept", preserve_colors=True)
    photo_tensor = image_to_tensor(load_image(tmp_path / "content.png").rgb, torch.device("cpu"))
    expected = tensor_to_image(finish.keep_colours(image_to_tensor(plain, torch.device("cpu")), photo_tensor))
    assert np.abs(pixels(kept) - np.asarray(expected, dtype=np.int16)).max() <= 1
    assert np.abs(pixels(kept) - np.asarray(plain, dtype=np.int16)).mean() > 2  # it did change the colours
    assert read_record(kept)["params"]["preserve_colors"] is True


@pytest.mark.slow
def test_gatys_keeps_the_photos_chroma(tmp_path: Path) -> None:
    rgb = pixels(stylize(tmp_path, "gatys", "kept", preserve_colors=True)).astype(float)
    photo_rgb = pixels(tmp_path / "content.png").astype(float)
    weights = [0.299, 0.587, 0.114]
    chroma = rgb - (rgb @ weights)[..., None]
    photo_chroma = photo_rgb - (photo_rgb @ weights)[..., None]
    unclipped = (rgb > 2).all(-1) & (rgb < 253).all(-1)
    assert unclipped.mean() > 0.5 and np.abs(chroma - photo_chroma)[unclipped].mean() < 1.5


def test_the_layers_make_any_strength_exactly_as_a_run_would(tmp_path: Path) -> None:
    made = stylize(tmp_path, "johnson", "made", strength=0.3)
    record = RunRecord(algorithm="johnson", params=read_record(made)["params"])
    finish.restrength_files(tmp_path / "L-made", tmp_path / "again.png", 0.3, record=record)
    assert (pixels(tmp_path / "again.png") == pixels(made)).all()
    finish.restrength_files(tmp_path / "L-made", tmp_path / "full.png", 1.0, record=record)
    assert (pixels(tmp_path / "full.png") == pixels(tmp_path / "L-made" / finish.FULL_LAYER)).all()
    assert read_record(tmp_path / "full.png")["params"]["strength"] == 1.0


def test_alpha_survives_a_new_strength(tmp_path: Path) -> None:
    rgba = photo(32, 32).convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize((32, 32)))
    rgba.save(tmp_path / "content.png")
    record = johnson.run_files(
        johnson_model(tmp_path / "m.safetensors"),
        tmp_path / "content.png",
        tmp_path / "out.png",
        johnson.JohnsonConfig(strength=0.8),
        layers=tmp_path / "layers",
    )
    finish.restrength_files(tmp_path / "layers", tmp_path / "again.png", 0.2, record=record)
    assert Image.open(tmp_path / "again.png").mode == "RGBA"
    assert load_image(tmp_path / "again.png").alpha.getextrema() == load_image(tmp_path / "out.png").alpha.getextrema()


@pytest.mark.parametrize("strength", [-0.1, 1.5, float("nan"), "strong"])
def test_a_strength_outside_0_to_1_is_refused_by_every_config(strength: object) -> None:
    for config in (GatysConfig, johnson.JohnsonConfig, chen.ChenConfig, video.VideoConfig):
        with pytest.raises(OptionError) as error:
            config(strength=strength)
        assert error.value.field == "strength"


def test_video_frames_are_finished_too(tmp_path: Path) -> None:
    clip = synthetic_clip(tmp_path / "in.mp4", frames=3)
    inverted = video.stylize_video(clip, tmp_path / "none.mp4", lambda x: 1 - x, video.VideoConfig(strength=0.0))
    assert inverted.params["strength"] == 0.0
    source = np.stack(video.read_frames(clip)).astype(int)
    kept = np.stack(video.read_frames(tmp_path / "none.mp4")).astype(int)
    assert np.abs(kept - source).mean() < 4  # the frames themselves, to codec noise
    video.stylize_video(clip, tmp_path / "full.mp4", lambda x: 1 - x, video.VideoConfig())
    full = np.stack(video.read_frames(tmp_path / "full.mp4")).astype(int)
    assert np.abs(full - source).mean() > 40


def test_the_cli_takes_strength_and_colours(tmp_path: Path, capsys) -> None:
    photo(32, 32).save(tmp_path / "p.png")
    model = johnson_model(tmp_path / "m.safetensors")
    out = tmp_path / "o.png"
    assert (
        main(
            ["johnson", str(model), str(tmp_path / "p.png"), "-o", str(out), "--strength", "0.25", "--preserve-colors"]
        )
        == 0
    )
    params = read_record(out)["params"]
    assert params["strength"] == 0.25 and params["preserve_colors"] is True
    assert main(["johnson", str(model), str(tmp_path / "p.png"), "-o", str(out), "--strength", "2"]) == 2
    assert "strength" in capsys.readouterr().err
