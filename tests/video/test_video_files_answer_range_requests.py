"""Video files answer HTTP Range requests (206 + the exact bytes), so browsers can seek; a Range header that is
not one byte range is ignored (the whole file), one that cannot be satisfied is a 416, and none is a 500."""

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


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-1,5-6",  # several ranges: browsers never ask for them
        "bytes=0-1, 5-6",
        "items=0-10",
        "bytes=abc",
        "bytes=-",
        "bytes=١-٢",  # digits, but not ASCII ones
        "bytes=0-" + "9" * 5000 + ",0-1",
    ],
)
def test_a_range_header_that_is_not_one_byte_range_is_ignored(owner_client, video_and_bytes, header: str) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    response = owner_client.get(url, HTTP_RANGE=header)
    assert response.status_code == 200 and body(response) == data


def test_five_thousand_digit_positions_are_read_as_past_the_end(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    huge = "9" * 5000
    response = owner_client.get(url, HTTP_RANGE=f"bytes={huge}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(data)}"
    assert body(owner_client.get(url, HTTP_RANGE=f"bytes=10-{huge}")) == data[10:]
    assert body(owner_client.get(url, HTTP_RANGE=f"bytes=-{huge}")) == data
    assert body(owner_client.get(url, HTTP_RANGE=f"bytes={'0' * 5000}7-9")) == data[7:10]


def test_a_range_ending_before_it_starts_gets_416(owner_client, video_and_bytes) -> None:  # noqa: ANN001
    url, data = video_and_bytes
    assert owner_client.get(url, HTTP_RANGE="bytes=50-10").status_code == 416
