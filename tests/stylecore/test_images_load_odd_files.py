"""Odd but valid files load as RGB, with alpha kept aside."""

from __future__ import annotations

import numpy as np
from PIL import Image

from stylecore.images import image_to_tensor, load_image, tensor_to_image

from .conftest import encoded, photo


def test_it_loads_cmyk_jpegs_as_rgb() -> None:
    loaded = load_image(encoded(photo().convert("CMYK"), "JPEG"))
    assert loaded.info.mode == "CMYK"
    assert loaded.rgb.mode == "RGB"
    assert np.abs(np.asarray(loaded.rgb, float) - np.asarray(photo(), float)).mean() < 12


def test_it_scales_16_bit_greyscale_to_the_full_8_bit_range() -> None:
    ramp = np.tile(np.linspace(0, 65535, 32), (16, 1)).astype(np.uint16)
    loaded = load_image(encoded(Image.fromarray(ramp)))
    assert loaded.info.mode in ("I;16", "I")
    pixels = np.asarray(loaded.rgb)
    assert pixels.min() == 0 and pixels.max() == 255  # a plain convert would clip everything above 255 to white
    assert np.all(np.diff(pixels[0, :, 0].astype(int)) >= 0)


def test_it_loads_32_bit_integer_images() -> None:
    ramp = np.tile(np.linspace(0, 65535, 32), (16, 1)).astype(np.int32)
    loaded = load_image(encoded(Image.fromarray(ramp), "TIFF"))
    assert loaded.info.mode == "I"
    assert np.asarray(loaded.rgb)[0, -1, 0] == 255 and np.asarray(loaded.rgb)[0, 0, 0] == 0


def test_it_keeps_the_transparency_of_palette_images() -> None:
    img = photo().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    transparent_index = img.getpixel((0, 0))
    loaded = load_image(encoded(img, transparency=transparent_index))
    assert loaded.alpha is not None
    assert loaded.alpha.getpixel((0, 0)) == 0
    assert loaded.alpha.getextrema()[1] == 255


def test_it_keeps_alpha_aside_for_rgba_and_la() -> None:
    for mode in ("RGBA", "LA"):
        img = photo().convert(mode)
        img.putalpha(Image.linear_gradient("L").resize(img.size))
        loaded = load_image(encoded(img), size=16)
        assert loaded.rgb.mode == "RGB"
        assert loaded.alpha is not None and loaded.alpha.size == loaded.rgb.size == (16, 16)


def test_it_applies_exif_orientation() -> None:
    img = photo(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    loaded = load_image(encoded(img, "JPEG", exif=exif.tobytes()))
    assert (loaded.info.width, loaded.info.height) == (40, 20)
    assert loaded.rgb.size == (20, 40)


def test_it_takes_the_first_frame_of_an_animated_gif() -> None:
    first = Image.new("RGB", (24, 24), (255, 0, 0)).convert("P")
    second = Image.new("RGB", (24, 24), (0, 0, 255)).convert("P")
    loaded = load_image(encoded(first, "GIF", save_all=True, append_images=[second]))
    assert loaded.info.frames == 2
    red, green, blue = loaded.rgb.getpixel((5, 5))
    assert red > 200 and blue < 50


def test_it_loads_greyscale_as_rgb() -> None:
    loaded = load_image(encoded(photo().convert("L")))
    assert loaded.rgb.mode == "RGB" and loaded.alpha is None


def test_it_resizes_the_longer_side_and_keeps_the_aspect() -> None:
    loaded = load_image(encoded(photo(60, 30)), size=20)
    assert loaded.rgb.size == (20, 10)


def test_tensors_round_trip_to_images() -> None:
    tensor = image_to_tensor(photo(20, 10))
    assert tensor.shape == (1, 3, 10, 20) and tensor.is_contiguous()
    assert 0 <= float(tensor.min()) and float(tensor.max()) <= 1
    assert np.array_equal(np.asarray(tensor_to_image(tensor)), np.asarray(photo(20, 10)))
    assert tensor_to_image(tensor * 3 - 1).getextrema()[0] == (0, 255)  # clamped, not wrapped
