"""A video (or a training run's zip) over its route's limit is answered 413 in the API's error shape by the
server in front of Django (gallery/bodylimits.py), before a byte of the body is read; nothing is kept."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from gallery.asgi import application
from gallery.bodylimits import body_limit
from gallery.stylemodels.models import TrainingRun
from gallery.video.models import Video

pytestmark = pytest.mark.django_db


@async_to_sync
async def post_declaring(path: str, length: int) -> tuple[int, dict, bytes, int]:
    """POST to the site's ASGI app with a Content-Length of `length`: (status, headers, body, chunks pulled)."""
    headers = [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", str(length).encode())]
    scope = {"type": "http", "method": "POST", "path": path, "root_path": "", "headers": headers,
             "query_string": b"", "server": ("testserver", 80), "client": ("127.0.0.1", 5000)}  # fmt: skip
    pulled, sent = 0, []

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    await application(scope, receive, send)
    start, body = sent
    return start["status"], dict(start["headers"]), body["body"], pulled


@pytest.mark.parametrize(
    ("name", "takes"), [("api:videos", "a video of at most 1024 MB"), ("api:training_runs", "a zip of photos")]
)
def test_an_oversized_body_is_413_before_it_is_read(name: str, takes: str) -> None:
    path = reverse(name)
    limit, _ = body_limit(path)
    status, headers, body, pulled = post_declaring(path, limit + 1)
    assert (status, pulled) == (413, 0)
    assert headers[b"content-type"] == b"application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and takes in error["message"] and error["fields"] == {}
    assert not Video.objects.exists() and not TrainingRun.objects.exists()
