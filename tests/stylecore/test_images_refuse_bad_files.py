"""Each bad file is refused with one short message a user can act on."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest

from stylecore import images
from stylecore.errors import ImageError
from stylecore.images import inspect_image, load_image

from .conftest import encoded, photo


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def refusal(source: object) -> str:
    with pytest.raises(ImageError) as caught:
        inspect_image(source)
    return str(caught.value)


def test_it_refuses_empty_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert refusal(tmp_path / "empty.jpg") == "The file is empty."


def test_it_refuses_text_named_like_an_image(tmp_path: Path) -> None:
    (tmp_path / "notes.jpg").write_text("these are not pixels\n" * 20)
    assert refusal(tmp_path / "notes.jpg").startswith("This file is not an image")


def test_it_refuses_truncated_jpegs_and_pngs() -> None:
    for data in (encoded(photo(64, 64), "JPEG"), encoded(photo(64, 64))):
        assert refusal(data[: len(data) // 2]) == "The image is truncated or damaged."


def test_it_refuses_decompression_bombs_before_decoding() -> None:
    message = refusal(png_header_only(30000, 30000))
    assert message.startswith("The image is too large")
    assert "40 megapixels" in message


def test_it_names_the_size_of_images_over_the_pixel_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    assert refusal(encoded(photo(40, 40))).startswith("The image is too large: 40x40 pixels")


def test_it_refuses_absurd_dimensions() -> None:
    assert "pixels on a side" in refusal(png_header_only(20000, 50))


def test_it_refuses_files_over_the_byte_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 100)
    assert refusal(encoded(photo())).startswith("The file is too large")


def test_it_refuses_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="No such image file"):
        load_image(tmp_path / "nowhere.png")


def test_inspecting_a_file_object_leaves_it_where_it_was() -> None:
    stream = io.BytesIO(encoded(photo(30, 20)))
    info = inspect_image(stream)
    assert (info.format, info.width, info.height, info.frames) == ("PNG", 30, 20, 1)
    assert stream.tell() == 0
