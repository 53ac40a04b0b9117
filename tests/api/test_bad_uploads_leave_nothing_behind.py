"""A bad upload is a 400 naming the field, with the loader's message, and stores nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.studio.models import Upload
from tests.conftest import image_bytes

from .conftest import assert_error, stored_files

pytestmark = pytest.mark.django_db(transaction=True)

CASES = {
    "not an image": ("notes.png", b"these are not pixels" * 10, "image/png", "file"),
    "truncated": ("cut.png", image_bytes((64, 64))[:120], "image/png", "file"),
    "sent as text": ("photo.png", image_bytes(), "text/plain", "file"),
    "empty": ("empty.png", b"", "image/png", "file"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_file_is_refused_with_a_message(owner_api, settings, case) -> None:  # noqa: ANN001
    name, data, content_type, field = CASES[case]
    before = stored_files(settings.MEDIA_ROOT)
    file = SimpleUploadedFile(name, data, content_type=content_type)
    response = owner_api.post("/api/v1/images/", {"file": file, "kind": "content"}, format="multipart")

    assert_error(response, 400, "invalid", field)
    assert not Upload.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == before


def test_the_message_is_the_one_the_page_shows(owner_api, owner_client) -> None:  # noqa: ANN001
    data = b"these are not pixels" * 10
    api = owner_api.post(
        "/api/v1/images/", {"file": SimpleUploadedFile("x.png", data), "kind": "content"}, format="multipart"
    )
    page = owner_client.post("/uploads/new/", {"file": SimpleUploadedFile("x.png", data), "kind": "content"})
    message = api.json()["error"]["fields"]["file"][0]
    assert message and message in page.content.decode().replace("&#x27;", "'")


def test_a_file_over_the_size_limit_is_refused(owner_api, settings) -> None:  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_UPLOAD_BYTES": 100}
    before = stored_files(settings.MEDIA_ROOT)
    file = SimpleUploadedFile("big.png", image_bytes((64, 64)), content_type="image/png")
    response = owner_api.post("/api/v1/images/", {"file": file, "kind": "style"}, format="multipart")
    assert "too large" in assert_error(response, 400, "invalid", "file")["fields"]["file"][0]
    assert not Upload.objects.exists() and stored_files(settings.MEDIA_ROOT) == before


def test_missing_file_and_unknown_kind_are_named(owner_api) -> None:  # noqa: ANN001
    assert_error(
        owner_api.post("/api/v1/images/", {"kind": "portrait"}, format="multipart"), 400, "invalid", "file", "kind"
    )
    assert not Upload.objects.exists()
