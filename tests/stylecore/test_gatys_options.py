"""Options: validation, colour preservation, multi-scale, blends, alpha, the run record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from stylecore.errors import OptionError
from stylecore.features import VGGFeatures
from stylecore.finish import luminance
from stylecore.gatys import GatysConfig, run_files, stylize
from stylecore.images import image_to_tensor, read_record
from stylecore.progress import Progress

from .conftest import photo

CONTENT = image_to_tensor(photo(32, 32, seed=1))
STYLE = image_to_tensor(photo(32, 32, seed=2))


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"size": 8}, "size"),
        ({"steps": 0}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"optimizer": "sgd"}, "optimizer"),
        ({"lr": float("nan")}, "lr"),
        ({"style_weight": -1.0}, "style_weight"),
        ({"style_blend": (0.0, 0.0)}, "style_blend"),
        ({"init": "zeros"}, "init"),
        ({"scales": 5}, "scales"),
        ({"seed": -1}, "seed"),
        ({"size": True}, "size"),
    ],
)
def test_it_refuses_out_of_range_options(options: dict, field: str) -> None:
    with pytest.raises(OptionError) as caught:
        GatysConfig(**options)
    assert caught.value.field == field


def test_a_blend_needs_one_weight_per_style(vgg: VGGFeatures) -> None:
    with pytest.raises(OptionError, match="2 weights for 1 style images"):
        stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=1, style_blend=(0.5, 0.5)), features=vgg)


@pytest.mark.slow
def test_preserving_colours_keeps_the_contents_chroma(vgg: VGGFeatures) -> None:
    result = stylize(
        CONTENT, [STYLE], GatysConfig(size=32, steps=3, preserve_colors=True, init="noise", seed=1), features=vgg
    )
    chroma_out = result.image - luminance(result.image)
    chroma_content = CONTENT - luminance(CONTENT)
    unclipped = ((result.image > 0.01) & (result.image < 0.99)).all(dim=1, keepdim=True).expand_as(result.image)
    assert torch.allclose(chroma_out[unclipped], chroma_content[unclipped], atol=1e-5)
    assert not torch.allclose(luminance(result.image), luminance(CONTENT), atol=1e-3)


@pytest.mark.slow
def test_multi_scale_runs_coarse_to_fine(vgg: VGGFeatures) -> None:
    seen: list[Progress] = []
    config = GatysConfig(size=64, steps=2, scales=2, preview_every=1)
    big = image_to_tensor(photo(64, 64, seed=1))
    result = stylize(
        big,
        [image_to_tensor(photo(64, 64, seed=2))],
        config,
        features=vgg,
        on_progress=lambda p: seen.append(p) or False,
    )
    assert [(p.stage, p.preview.size) for p in seen] == [("scale 1/2", (32, 32))] * 2 + [("scale 2/2", (64, 64))] * 2
    assert {p.total for p in seen} == {4} and result.steps_done == 4 and result.image.shape == big.shape


@pytest.mark.slow
def test_alpha_survives_and_the_record_says_what_made_the_result(tmp_path: Path, write_image) -> None:  # noqa: ANN001
    content = photo(48, 32).convert("RGBA")
    content.putalpha(Image.linear_gradient("L").rotate(90).resize(content.size))
    out = tmp_path / "result.png"
    record = run_files(
        write_image("c.png", content), [write_image("s.jpg")], out, GatysConfig(size=24, steps=2), device="cpu"
    )
    with Image.open(out) as saved:
        assert saved.mode == "RGBA" and saved.size == (24, 16)
        expected = np.asarray(content.getchannel("A").resize((24, 16)), dtype=float)
        assert np.abs(np.asarray(saved.getchannel("A"), dtype=float) - expected).max() <= 2
    assert record.algorithm == "gatys" and record.random_weights and record.weights == "random"
    assert record.steps_done == 2 and not record.stopped and record.params["size"] == 24
    assert set(record.final_losses) == {"content", "style", "tv", "total"}
    assert read_record(out) == record.to_dict()
