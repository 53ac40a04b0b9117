"""Chen style swap: the swap is conv + one-hot transposed conv (exact search, blockwise, bf16 or not), the fast
search picks the same patches, and a run keeps the content's size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from stylecore import chen
from stylecore.chen import swap as swap_module
from stylecore.errors import OptionError
from stylecore.images import read_record
from stylecore.modelfile import save_model

from .conftest import photo


def one_hot_reference(content: torch.Tensor, style: torch.Tensor, patch: int, stride: int) -> torch.Tensor:
    """The paper's formulation, spelled out: conv with normalised patches, one-hot argmax, conv_transpose."""
    patches = F.unfold(style, patch, stride=stride)[0].t().reshape(-1, style.shape[1], patch, patch)
    normalised = patches / patches.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
    scores = F.conv2d(content, normalised, stride=stride)
    one_hot = F.one_hot(scores.argmax(1), patches.shape[0]).permute(0, 3, 1, 2).float()
    summed = F.conv_transpose2d(one_hot, patches, stride=stride)
    overlaps = F.conv_transpose2d(torch.ones(1, 1, *scores.shape[-2:]), torch.ones(1, 1, patch, patch), stride=stride)
    return summed / overlaps


@pytest.mark.parametrize("patch, stride", [(3, 1), (3, 3), (5, 2)])
def test_the_swap_equals_the_one_hot_transposed_convolution(patch: int, stride: int) -> None:
    torch.manual_seed(0)
    content = torch.rand(1, 16, 11 + stride * 2, 13 + stride * 2)
    content = content[
        ...,
        : (content.shape[-2] - patch) // stride * stride + patch,
        : (content.shape[-1] - patch) // stride * stride + patch,
    ]
    style = torch.rand(1, 16, 9, 10)
    torch.testing.assert_close(
        chen.style_swap(content, style, patch=patch, stride=stride), one_hot_reference(content, style, patch, stride)
    )


def test_blocks_of_content_rows_choose_what_one_block_chooses(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(2)
    content, style = torch.rand(1, 8, 12, 11), torch.rand(1, 8, 9, 9)
    patches = chen.encode_style(style, search="exact")
    whole = swap_module.best_patches(content, patches)
    monkeypatch.setattr(swap_module, "_SCORE_BUDGET", 1)  # one row of positions per block
    assert torch.equal(swap_module.best_patches(content, patches), whole)


def low_rank_features(channels: int, height: int, width: int, seed: int) -> torch.Tensor:
    """Features like a CNN's: a few smooth patterns mixed into many channels, plus a little noise."""
    generator = torch.Generator().manual_seed(seed)
    base = F.interpolate(torch.rand(1, 6, height // 2, width // 2, generator=generator), size=(height, width))
    mixed = torch.einsum("bkhw,kc->bchw", base, torch.rand(6, channels, generator=generator))
    return mixed + 0.05 * torch.rand(1, channels, height, width, generator=generator)


def test_the_fast_search_picks_the_exact_patch_almost_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swap_module, "FAST_DIMS", 16)  # a tiny image has few dimensions to spare
    monkeypatch.setattr(swap_module, "FAST_MIN_PATCHES", 100)
    content, style = low_rank_features(8, 24, 24, seed=3), low_rank_features(8, 20, 20, seed=4)
    fast, exact = chen.encode_style(style), chen.encode_style(style, search="exact")
    assert fast.search == "fast" and fast.keys.shape[0] == 16
    chosen, best = swap_module.best_patches(content, fast), swap_module.best_patches(content, exact)
    assert (chosen == best).float().mean() > 0.95
    monkeypatch.setattr(swap_module, "FAST_SHORTLIST", style.shape[-1] ** 2)  # re-ranking every patch is exact
    assert torch.equal(swap_module.best_patches(content, fast), best)


def test_bf16_scores_stay_within_1e_2_of_fp32() -> None:
    torch.manual_seed(5)
    content, style = torch.rand(1, 16, 10, 10), torch.rand(1, 16, 8, 8)
    reference = chen.style_swap(content, style)
    bf16 = chen.style_swap(content, style, bf16=True)
    assert (bf16 - reference).norm() / reference.norm() < 1e-2


@pytest.mark.parametrize("native", [True, False])
def test_bf16_is_used_only_where_the_cpu_multiplies_it_natively(monkeypatch: pytest.MonkeyPatch, native: bool) -> None:
    monkeypatch.setattr(swap_module, "_cpu_has_bf16", lambda: native)
    patches = chen.encode_style(torch.rand(1, 4, 6, 6), search="exact")
    assert patches.keys.dtype == (torch.bfloat16 if native else torch.float32)


def test_every_swapped_patch_comes_from_the_style() -> None:
    torch.manual_seed(1)
    style = torch.rand(1, 4, 6, 6)
    swapped = chen.style_swap(torch.rand(1, 4, 9, 7), style, patch=1, stride=1)
    style_vectors = style.flatten(2)[0].t()
    for vector in swapped.flatten(2)[0].t():
        assert (style_vectors - vector).abs().sum(1).min() < 1e-6


def test_odd_sides_keep_their_size_at_any_stride() -> None:
    out = chen.style_swap(torch.rand(1, 8, 10, 13), torch.rand(1, 8, 6, 6), patch=3, stride=2)
    assert out.shape == (1, 8, 10, 13)


def untrained_decoder(path: Path) -> Path:
    torch.manual_seed(0)
    meta = {"kind": "chen-decoder", "instance_norm": False, "training": {"weights": "random", "steps_done": 0}}
    return save_model(path, chen.InverseNet().state_dict(), meta)


def test_a_run_keeps_the_content_size_and_changes_the_picture(tmp_path: Path) -> None:
    photo(45, 37, seed=1).save(tmp_path / "content.png")
    photo(40, 40, seed=7).save(tmp_path / "style.png")
    stages = []
    record = chen.run_files(
        tmp_path / "content.png",
        tmp_path / "style.png",
        tmp_path / "out.png",
        chen.ChenConfig(style_size=40),
        decoder=untrained_decoder(tmp_path / "d.safetensors"),
        on_progress=lambda p: stages.append(p.stage) and False,
    )
    out = Image.open(tmp_path / "out.png")
    assert out.size == (45, 37)
    diff = np.asarray(out.convert("RGB"), dtype=float) - np.asarray(Image.open(tmp_path / "content.png"), dtype=float)
    assert np.abs(diff).mean() > 5
    assert {"encode", "swap", "decode"} <= set(stages)
    assert record.algorithm == "chen" and record.random_weights
    assert set(record.params["seconds"]) == {"encode", "swap", "decode"}
    assert read_record(tmp_path / "out.png")["algorithm"] == "chen"


@pytest.mark.parametrize("options", [{"patch": 0}, {"patch": 3, "stride": 4}, {"style_size": 8}, {"search": "nearest"}])
def test_bad_options_name_their_field(options: dict) -> None:
    with pytest.raises(OptionError) as caught:
        chen.ChenConfig(**options)
    assert caught.value.field in options


def test_the_cli_help_states_the_default_search(capsys: pytest.CaptureFixture) -> None:
    from stylecore.cli import main

    with pytest.raises(SystemExit):
        main(["chen", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default {chen.ChenConfig().search})" in help_text and "'exact' scores every style patch" in help_text
