"""Video files answer HTTP Range requests (206 + the exact bytes), so browsers can seek."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def body(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def video_and_bytes(owner, video_factory):  # noqa: ANN001, ANN201
    video = video_factory(owner)
    return reverse("video:video_file", args=[video.pk, "file"]), video.file.open("rb").read()


def test_a_range_gets_206_with_exactly_those_bytes(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    response = owner_client.get(url, HTTP_RANGE="bytes=100-299")
    assert response.status_code == 206
    assert body(response) == data[100:300]
    assert response["Content-Range"] == f"bytes 100-299/{len(data)}"
    assert response["Content-Length"] == "200"
    assert response["Content-Type"] == "video/mp4"


def test_open_and_suffix_ranges_reach_the_end(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    assert body(owner_client.get(url, HTTP_RANGE=f"bytes={len(data) - 10}-")) == data[-10:]
    assert body(owner_client.get(url, HTTP_RANGE="bytes=-25")) == data[-25:]
    assert body(owner_client.get(url, HTTP_RANGE=f"bytes=5-{len(data) + 500}")) == data[5:]


def test_no_range_gets_the_whole_file_and_says_ranges_work(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    response = owner_client.get(url)
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert body(response) == data


def test_a_range_past_the_end_gets_416(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    response = owner_client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(data)}"


def test_result_videos_answer_ranges_too(owner, owner_client, video_result_factory) -> None:  # noqa: ANN001
    result = video_result_factory(owner)
    response = owner_client.get(
        reverse("video:result_video", args=[result.share_token, "stylized"]), HTTP_RANGE="bytes=0-9"
    )
    assert response.status_code == 206 and body(response) == result.video.file.open("rb").read()[:10]
