"""Videos through the API: upload (checked by really opening it, like the video page), list, read, the files
with Range, delete; a bad file gets the error shape and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.video.models import Video
from tests.video.conftest import clip_bytes

from .conftest import assert_error, stored_files

pytestmark = pytest.mark.django_db


def body(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_uploaded_video_is_listed_read_and_deleted(
    owner_api, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    clip = SimpleUploadedFile("beach.mp4", clip_bytes(tmp_path, frames=6, size=(48, 32)), content_type="video/mp4")
    created = owner_api.post("/api/v1/videos/", {"file": clip, "title": "Beach"}, format="multipart")

    assert created.status_code == 201, created.content
    video = created.json()
    assert (video["title"], video["width"], video["height"], video["frames"]) == ("Beach", 48, 32, 6)
    assert video["results"] == [] and video["page_url"].endswith(f"/videos/{video['id']}/")
    listed = owner_api.get("/api/v1/videos/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == video["id"]
    assert owner_api.get(f"/api/v1/videos/{video['id']}/").json()["file_url"] == video["file_url"]
    poster = owner_api.get(video["poster_url"])
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"

    stored = Path(Video.objects.get().file.path)
    assert stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        assert owner_api.delete(f"/api/v1/videos/{video['id']}/").status_code == 204
    assert not Video.objects.exists() and not stored.exists()
    assert_error(owner_api.get(f"/api/v1/videos/{video['id']}/"), 404, "not_found")


def test_the_file_answers_a_range_with_exactly_those_bytes(owner, owner_api, video_factory) -> None:  # noqa: ANN001
    video = video_factory(owner)
    data = video.file.open("rb").read()

    part = owner_api.get(f"/api/v1/videos/{video.pk}/file/", HTTP_RANGE="bytes=10-109")
    assert part.status_code == 206 and body(part) == data[10:110]
    assert part["Content-Range"] == f"bytes 10-109/{len(data)}"
    whole = owner_api.get(f"/api/v1/videos/{video.pk}/file/")
    assert whole.status_code == 200 and body(whole) == data and whole["Accept-Ranges"] == "bytes"
    beyond = owner_api.get(f"/api/v1/videos/{video.pk}/file/", HTTP_RANGE=f"bytes={len(data) + 5}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"


def test_a_video_results_mp4_downloads_with_range(owner, owner_api, other_api, video_result_factory) -> None:  # noqa: ANN001
    result = video_result_factory(owner)
    data = result.video.file.open("rb").read()

    part = owner_api.get(f"/api/v1/results/{result.share_token}/video/", HTTP_RANGE="bytes=0-49")
    assert part.status_code == 206 and body(part) == data[:50]
    video = owner_api.get(f"/api/v1/videos/{result.video.source_id}/").json()
    assert video["results"] == [result.share_token]
    assert_error(other_api.get(f"/api/v1/results/{result.share_token}/video/"), 404, "not_found")


def test_a_picture_result_has_no_video(owner, owner_api, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner)
    assert_error(owner_api.get(f"/api/v1/results/{result.share_token}/video/"), 404, "not_found")


@pytest.mark.parametrize(
    ("name", "data"),
    [("notes.mp4", b"this is not a video at all"), ("empty.mp4", b"")],
    ids=["not-a-video", "empty"],
)
def test_a_file_that_is_not_a_video_is_400_and_nothing_is_kept(owner_api, name: str, data: bytes) -> None:  # noqa: ANN001
    before = stored_files(Path(settings.MEDIA_ROOT))
    file = SimpleUploadedFile(name, data, content_type="video/mp4")
    assert_error(owner_api.post("/api/v1/videos/", {"file": file}, format="multipart"), 400, "invalid", "file")
    assert not Video.objects.exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == before
