"""Images: upload a photo or style, list them (by kind), fetch one and its files, delete it."""

from __future__ import annotations

import pytest
from PIL import Image

from gallery.studio.models import Upload
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


def test_an_upload_is_decoded_and_described(owner_api, owner) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = image_bytes((48, 40), format="JPEG")
    file = SimpleUploadedFile("Harbour_at-dusk.jpg", data, content_type="image/jpeg")
    response = owner_api.post("/api/v1/images/", {"file": file, "kind": "content"}, format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["format"], body["width"], body["height"]) == ("content", "JPEG", 48, 40)
    assert body["title"] == "Harbour at dusk" and body["size_bytes"] == len(data)
    upload = Upload.objects.get(pk=body["id"])
    assert upload.owner == owner and upload.image.name.startswith(f"{owner.pk}/uploads/")


def test_the_list_filters_by_kind(owner_api, upload_image) -> None:  # noqa: ANN001
    photo = upload_image("content")
    style = upload_image("style", "waves.png")
    assert [i["id"] for i in owner_api.get("/api/v1/images/?kind=style").json()["results"]] == [style["id"]]
    assert [i["id"] for i in owner_api.get("/api/v1/images/?kind=content").json()["results"]] == [photo["id"]]
    assert owner_api.get("/api/v1/images/").json()["count"] == 2
    assert owner_api.get("/api/v1/images/?kind=video").status_code == 400


def test_the_list_is_paginated(owner_api, upload_image) -> None:  # noqa: ANN001
    for index in range(3):
        upload_image(name=f"p{index}.png")
    page = owner_api.get("/api/v1/images/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(owner_api.get(page["next"]).json()["results"]) == 1


def test_the_file_and_thumbnail_download_with_the_token(owner_api, upload_image) -> None:  # noqa: ANN001
    image = upload_image()
    assert owner_api.get(f"/api/v1/images/{image['id']}/").json() == image
    original = owner_api.get(image["file_url"])
    assert original.status_code == 200 and b"".join(original.streaming_content) == image_bytes()
    thumb = owner_api.get(image["thumbnail_url"], HTTP_ACCEPT="image/jpeg")
    assert thumb.status_code == 200
    from io import BytesIO

    assert Image.open(BytesIO(b"".join(thumb.streaming_content))).format == "JPEG"


def test_delete_removes_the_row_and_its_files(
    owner_api,
    upload_image,
    settings,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    image = upload_image()
    upload = Upload.objects.get(pk=image["id"])
    names = [upload.image.name, upload.thumbnail.name]

    assert all((settings.MEDIA_ROOT / name).exists() for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.delete(f"/api/v1/images/{image['id']}/").status_code == 204
    assert not Upload.objects.filter(pk=image["id"]).exists()
    assert not any((settings.MEDIA_ROOT / name).exists() for name in names)
    assert owner_api.get(f"/api/v1/images/{image['id']}/").status_code == 404
