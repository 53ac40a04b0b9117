"""Large photos are stylized in tiles (stylecore.tiles): no network run sees more than a tile, or the
statistics image (twice a tile's side); alpha, strength and colours still apply to the whole photo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylecore import chen, johnson, tiles
from stylecore.cli import main
from stylecore.errors import OptionError
from stylecore.images import load_image, read_record
from stylecore.johnson import inference
from tests.helpers.seams import structured_decoder_file, structured_johnson_file

from .conftest import photo
from .test_video_runs_johnson_and_chen import johnson_model

TILE = 256


def test_tiles_are_used_above_the_automatic_size_or_when_asked() -> None:
    assert tiles.tile_side(None, tiles.TILE_ABOVE, 700) is None
    assert tiles.tile_side(None, tiles.TILE_ABOVE + 1, 700) == tiles.TILE_SIZE
    assert tiles.tile_side(0, 5000, 5000) is None
    assert tiles.tile_side(258, 400, 100) == 256  # a multiple of 4
    assert tiles.tile_side(256, 200, 100) is None  # the photo fits in one tile


@pytest.mark.parametrize("value", [100, True, 300.5, "big", tiles.MAX_SIDE + 1])
def test_bad_tile_sizes_are_named(value: object) -> None:
    with pytest.raises(OptionError) as error:
        johnson.JohnsonConfig(tile=value)
    assert error.value.field == "tile"
    with pytest.raises(OptionError):
        chen.ChenConfig(tile=value)


def test_no_network_run_sees_more_than_a_tile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    real = inference.stylize

    def spy(net: johnson.TransformerNet, image):  # noqa: ANN001, ANN202
        seen.append(tuple(image.shape[-2:]))
        return real(net, image)

    monkeypatch.setattr(inference, "stylize", spy)
    photo(500, 300, seed=1).save(tmp_path / "in.png")
    record = johnson.run_files(
        johnson_model(tmp_path / "m.safetensors"),
        tmp_path / "in.png",
        tmp_path / "out.png",
        johnson.JohnsonConfig(tile=TILE),
    )
    reference, *parts = seen
    assert max(reference) <= 2 * TILE and len(parts) == 2 * 3
    assert all(max(part) <= TILE for part in parts)
    assert record.params["tiled"] == TILE and record.params["engine"] == "torch"
    assert load_image(tmp_path / "out.png").rgb.size == (500, 300)


@pytest.mark.parametrize("stylizer", ["johnson", "chen"])
def test_alpha_strength_and_colours_apply_to_the_whole_photo(tmp_path: Path, stylizer: str) -> None:
    rgba = photo(288, 160, seed=2).convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize((288, 160)))
    rgba.save(tmp_path / "in.png")
    options = {"tile": TILE, "strength": 0.5, "preserve_colors": True}
    layers = tmp_path / "layers"
    if stylizer == "johnson":
        johnson.run_files(
            structured_johnson_file(tmp_path / "m.safetensors"),
            tmp_path / "in.png",
            tmp_path / "out.png",
            johnson.JohnsonConfig(**options),
            layers=layers,
        )
    else:
        photo(48, 48, seed=9).save(tmp_path / "style.png")
        chen.run_files(
            tmp_path / "in.png",
            tmp_path / "style.png",
            tmp_path / "out.png",
            chen.ChenConfig(style_size=48, **options),
            decoder=structured_decoder_file(tmp_path / "d.safetensors"),
            layers=layers,
        )
    out = load_image(tmp_path / "out.png")
    assert read_record(tmp_path / "out.png")["params"]["tiled"] == TILE
    assert np.array_equal(np.asarray(out.alpha), np.asarray(rgba.getchannel("A")))
    full = np.asarray(load_image(layers / "full.png").rgb, dtype=np.float64)
    original = np.asarray(rgba.convert("RGB"), dtype=np.float64)
    # half strength everywhere, tile borders included
    assert np.abs(np.asarray(out.rgb, dtype=np.float64) - (full + original) / 2).max() <= 1
    # the photo's colours everywhere: the full result minus the photo is grey (R, G, B moved alike)
    # wherever no channel was clipped at 0 or 255
    moved = (full - original)[((full > 0) & (full < 255)).all(axis=2)]
    assert len(moved) > 1000 and np.abs(moved - moved.mean(axis=1, keepdims=True)).max() <= 1


@pytest.mark.parametrize(("flag", "tiled"), [(["--tile", "256"], 256), (["--no-tile"], None)])
def test_the_cli_takes_a_tile_size_or_none(tmp_path: Path, flag: list[str], tiled: int | None) -> None:
    photo(300, 72, seed=1).save(tmp_path / "in.png")
    model = johnson_model(tmp_path / "m.safetensors")
    assert main(["johnson", str(model), str(tmp_path / "in.png"), "-o", str(tmp_path / "out.png"), *flag]) == 0
    assert read_record(tmp_path / "out.png")["params"]["tiled"] == tiled
