"""A photo stylized in tiles (stylecore.tiles) matches the same photo stylized whole: the tiles are
blended over their overlaps, and their instance norms share the whole image's statistics, so the
difference at tile borders is no larger than elsewhere."""

from __future__ import annotations

import torch

from stylecore import chen, johnson, tiles
from stylecore.features import VGGFeatures
from stylecore.images import image_to_tensor
from tests.helpers.seams import seam_figures, structured_decoder, structured_johnson

from .conftest import photo

SIDE, TILE = 320, 256  # 2 x 2 tiles; the statistics image (twice a tile's side) is the whole photo
# One level of 255: what rounding to 8 bits changes anyway. Whole and tiled runs differ by float
# rounding in the interior (~0.001 levels) and by a few tenths of a level where tiles blend (their
# padded edges weigh ~0 but not 0); a tile painted with its own statistics differs by tens of levels
# (below, and bench/tiles.py).
TOLERANCE = 1.0


def test_spans_cover_the_side_in_aligned_overlapping_tiles() -> None:
    for length in (257, 500, 2049, 12_000):
        spans = tiles.tile_spans(length, 256, 64)
        assert spans[0][0] == 0 and spans[-1][1] == length
        assert all(stop - start <= 256 and start % 4 == 0 for start, stop in spans)
        assert all(stop - start >= 64 for (_, stop), (start, _) in zip(spans, spans[1:], strict=False))


def test_blend_weights_add_up_to_one() -> None:
    image = torch.rand(1, 3, 300, 517)
    assert torch.allclose(tiles.tiled(image, lambda part: part * 2, tile=256), image * 2, atol=1e-5)


def test_a_tiled_johnson_run_has_no_seams() -> None:
    net = structured_johnson("light")
    content = image_to_tensor(photo(SIDE, SIDE, seed=3), torch.device("cpu"))
    whole = johnson.stylize(net, content)
    assert whole.std() * 255 > 20  # a picture with structure, not a flat one
    tiled = tiles.run_in_tiles(content, lambda part: johnson.stylize(net, part), tile=TILE, network=net)
    border, elsewhere = seam_figures(tiled, whole, TILE)
    assert border <= elsewhere + TOLERANCE
    # what the shared statistics hide: tiles normalised each by its own drift by many levels
    own_statistics = tiles.tiled(content, lambda part: johnson.stylize(net, part), tile=TILE)
    assert min(seam_figures(own_statistics, whole, TILE)) > 5 * TOLERANCE


def test_a_tiled_chen_run_has_no_seams() -> None:
    encoder = VGGFeatures((chen.LAYER,))
    content = image_to_tensor(photo(SIDE, 96, seed=3), torch.device("cpu"))  # two tiles side by side
    style = image_to_tensor(photo(48, 48, seed=9), torch.device("cpu"))
    config = chen.ChenConfig()
    for instance_norm in (False, True):
        decoder = structured_decoder(instance_norm=instance_norm)
        whole = chen.stylize(content, style, config, decoder=decoder, encoder=encoder).image
        assert whole.std() * 255 > 10
        tiled = chen.stylize(content, style, config, decoder=decoder, encoder=encoder, tile=TILE).image
        border, elsewhere = seam_figures(tiled, whole, TILE)
        assert border <= elsewhere + TOLERANCE
