"""Bad images get a clear message on the upload form and leave no row and no file behind;
unusual but valid ones (animated GIF, CMYK, 16-bit, RGBA) are accepted."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery.studio.models import Upload
from tests.conftest import image_bytes, uploaded
from tests.helpers.gif import many_frame_gif

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but carries almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")
    )


def bomb() -> bytes:
    """A small file that decodes to 49 megapixels (over the 40 MP limit)."""
    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, format="PNG")
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (32, 32), color) for color in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def sixteen_bit_png() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((32, 32)).convert("I").point(lambda v: v * 257).convert("I;16").save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client: Client, name: str, data: bytes, content_type: str = "image/jpeg"):  # noqa: ANN201
    return client.post(reverse("studio:upload_create"), {"file": uploaded(name, data, content_type), "kind": "content"})


REFUSED = {
    "a text file named .jpg": ("notes.jpg", b"Dear diary, today I uploaded a text file.\n" * 20, "not an image"),
    "a truncated JPEG": ("cut.jpg", image_bytes((64, 64), format="JPEG")[:400], "truncated or damaged"),
    "zero bytes": ("empty.jpg", b"", "empty"),
    "a decompression bomb": ("bomb.png", bomb(), "too large"),
    "a 30000x30000 header": ("huge.png", png_header_only(30000, 30000), "too large"),
    "a GIF of 200,000 frames": ("long.gif", many_frame_gif(200_000), "more than 1000 frames"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_it_refuses_bad_files_with_a_clear_message_and_saves_nothing(case: str, owner_client: Client):
    before = stored_files()
    name, data, message = REFUSED[case]
    response = post(owner_client, name, data)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not Upload.objects.exists()
    assert stored_files() == before


def test_it_refuses_a_file_sent_with_a_non_image_content_type(owner_client: Client):
    before = stored_files()
    response = post(owner_client, "page.png", image_bytes(), content_type="text/html")
    assert response.status_code == 400
    assert "sent as text/html, not as an image" in response.content.decode()
    assert not Upload.objects.exists() and stored_files() == before


def test_it_refuses_files_over_the_size_limit_before_decoding(owner_client: Client, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_UPLOAD_BYTES": 1024}
    response = post(owner_client, "big.png", image_bytes((64, 64), format="BMP"), content_type="image/bmp")
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Upload.objects.exists()


ACCEPTED = {
    "an animated GIF": ("moving.gif", animated_gif(), "GIF"),
    "a CMYK JPEG": ("print.jpg", image_bytes(mode="CMYK", format="JPEG"), "CMYK"),
    "a 16-bit PNG": ("deep.png", sixteen_bit_png(), "I;16"),
    "an RGBA PNG": ("cutout.png", image_bytes(mode="RGBA"), "RGBA"),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_it_accepts_unusual_but_valid_images_with_a_thumbnail(case: str, owner, owner_client: Client):  # noqa: ANN001
    name, data, expected = ACCEPTED[case]
    response = post(owner_client, name, data, content_type="application/octet-stream")
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    assert expected in (upload.format, upload.mode)
    assert upload.title == Path(name).stem
    assert upload.image.name.startswith(f"{owner.pk}/uploads/") and name not in upload.image.name
    with upload.thumbnail.open("rb") as thumb:
        assert Image.open(thumb).format == "JPEG"


def test_deleting_an_upload_removes_its_files(
    owner,
    owner_client: Client,
    upload_factory,
    django_capture_on_commit_callbacks,  # noqa: ANN001
):
    upload = upload_factory(owner)
    names = [upload.image.name, upload.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("studio:upload_delete", args=[upload.pk]))
    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert not any(upload.image.storage.exists(name) for name in names)
