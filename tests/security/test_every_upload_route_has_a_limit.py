"""Every route that takes files has its own body limit in gallery/bodylimits.UPLOAD_ROUTES, every other route
takes a form's worth; and the ASGI guard enforces them before the app reads a byte (tested here in-process with
a stand-in app; tests/security/test_request_bodies_are_bounded.py does it against the real server)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.parsers import FileUploadParser, MultiPartParser

from gallery import bodylimits
from gallery.bodylimits import UPLOAD_ROUTES, BodyLimitGuard, body_limit, form_room
from stylecore.video import MAX_FILE_BYTES as MAX_VIDEO_BYTES

MIB = 2**20
# The admin's generic pages for stored rows show their file fields, but files come in through the site's own
# pages (which check them); these pages take a form's worth of body, so a file sent there over 1 MB gets 413.
FORM_LIMIT_ONLY = {
    "admin:studio_upload_add",
    "admin:studio_upload_change",
    "admin:studio_result_add",
    "admin:studio_result_change",
    "admin:studio_job_add",
    "admin:studio_job_change",
}


def routes(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[tuple[str, Any]]:
    """(URL name with its namespaces, view callable) for every named route of the site."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def _admin_takes_files(name: str, callback: Any) -> bool:
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None or not name.endswith(("_add", "_change")):
        return False
    source = inspect.getsource(inspect.unwrap(callback))
    if "request.FILES" in source:  # a custom page, such as "Upload a style model"
        return True
    request = RequestFactory().get("/")
    request.user = get_user_model()(username="staff", is_staff=True, is_superuser=True)
    obj = None if name.endswith("_add") else model_admin.model()
    allowed = model_admin.has_add_permission(request) if obj is None else model_admin.has_change_permission(request)
    if not allowed:  # e.g. django-q2's task pages: nobody adds or edits those
        return False
    form = model_admin.get_form(request, obj)
    return any(isinstance(field, forms.FileField) for field in form.base_fields.values())


def takes_files(name: str, callback: Any) -> bool:
    if name.startswith("admin:"):
        return _admin_takes_files(name, callback)
    view_class = getattr(callback, "cls", None)  # DRF
    if view_class is not None:
        # DRF's default parsers include multipart, but only a view of ours that names its parsers means files
        ours = [klass for klass in view_class.__mro__ if klass.__module__.startswith("gallery.")]
        if not any("parser_classes" in vars(klass) for klass in ours):
            return False
        return any(issubclass(parser, (MultiPartParser, FileUploadParser)) for parser in view_class.parser_classes)
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    return "request.FILES" in inspect.getsource(view)


def test_every_route_that_takes_files_has_its_own_limit() -> None:
    uploading = {name for name, callback in routes() if takes_files(name, callback)}
    assert {"studio:upload_create", "api:images", "video:video_create"} <= uploading  # the scan sees them
    assert uploading - FORM_LIMIT_ONLY == set(UPLOAD_ROUTES)


def test_each_upload_route_takes_its_files_plus_a_form() -> None:
    image = settings.STUDIO["MAX_UPLOAD_BYTES"]
    expected = {
        "studio:upload_create": (image * settings.STUDIO["MAX_FILES_PER_UPLOAD"], "20 images of at most 30 MB each"),
        "api:images": (image, "one image of at most 30 MB"),
        "video:video_create": (MAX_VIDEO_BYTES, "a video of at most 1024 MB"),
        "api:videos": (MAX_VIDEO_BYTES, "a video of at most 1024 MB"),
        "admin:stylemodels_stylemodel_add": (200 * MIB + image, "a model file of at most 200 MB"),
        "admin:stylemodels_trainingrun_add": (settings.TRAINING_ZIP_MAX_BYTES + image, "a zip of photos of at most"),
        "api:training_runs": (settings.TRAINING_ZIP_MAX_BYTES + image, "a zip of photos of at most"),
    }
    for name, (files, words) in expected.items():
        limit, says = body_limit(reverse(name))
        assert limit == files + form_room(), name
        assert says.startswith(words), says


def test_other_routes_take_a_form_of_at_most_data_upload_max_memory_size() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MIB and settings.FILE_UPLOAD_MAX_MEMORY_SIZE == MIB
    for path in (reverse("accounts:login"), reverse("api:jobs"), reverse("admin:studio_upload_add"), "/nowhere/"):
        assert body_limit(path) == (MIB + bodylimits.MULTIPART_ROOM, "at most 1.0 MB of form data")


# --- The guard, with a stand-in app -----------------------------------------------------------------------------


class App:
    """Records what it was given; reads the whole body like Django, then answers 200 (or stops on disconnect)."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""
        self.disconnected = False

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@async_to_sync
async def call(path: str, chunks: list[bytes], *, length: int | None) -> tuple[App, list[dict], int]:
    """Run one request through the guard: (the app, what was sent back, how many chunks the app pulled)."""
    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    headers.append(
        (b"content-length", str(length).encode()) if length is not None else (b"transfer-encoding", b"chunked")
    )
    scope = {"type": "http", "method": "POST", "path": path, "root_path": "", "headers": headers}
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    pulled, sent = 0, []

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    app = App()
    await BodyLimitGuard(app)(scope, receive, send)
    return app, sent, pulled


def reply(sent: list[dict]) -> tuple[int, dict[bytes, bytes], bytes]:
    start, body = sent
    return start["status"], dict(start["headers"]), body["body"]


def test_a_content_length_over_the_limit_is_answered_413_without_reading_or_calling_the_app() -> None:
    limit, _ = body_limit(reverse("accounts:login"))
    app, sent, pulled = call(reverse("accounts:login"), [b"x"], length=limit + 1)
    status, headers, body = reply(sent)
    assert (status, app.called, pulled) == (413, False, 0)
    assert headers[b"connection"] == b"close" and headers[b"content-type"].startswith(b"text/html")
    assert b"<h1>Too large</h1>" in body and b"at most 1.0 MB of form data" in body


def test_under_the_api_the_413_is_in_the_api_error_shape() -> None:
    path = reverse("api:images")
    limit, _ = body_limit(path)
    _, sent, _ = call(path, [b"x"], length=limit + 1)
    status, headers, body = reply(sent)
    assert status == 413 and headers[b"content-type"] == b"application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and error["fields"] == {}
    assert error["message"] == (
        "The request is too large: this endpoint takes one image of at most 30 MB. Nothing was kept."
    )


def test_a_chunked_body_is_cut_past_the_limit_and_the_app_hears_the_client_left() -> None:
    limit, _ = body_limit(reverse("accounts:login"))
    chunk = b"x" * (256 * 1024)
    chunks = [chunk] * (limit // len(chunk) + 3)
    app, sent, pulled = call(reverse("accounts:login"), chunks, length=None)
    assert app.called and app.disconnected
    assert pulled <= limit // len(chunk) + 2  # it stopped reading right past the limit
    assert reply(sent)[0] == 413


def test_bodies_within_the_limit_reach_the_app_whole() -> None:
    for length in (3, None):
        app, sent, _ = call(reverse("accounts:login"), [b"abc", b"def"] if length is None else [b"abc"], length=length)
        assert reply(sent)[0] == 200 and not app.disconnected
        assert app.body == (b"abcdef" if length is None else b"abc")


@pytest.mark.parametrize("scope_type", ["websocket", "lifespan"])
def test_other_protocols_pass_through(scope_type: str) -> None:
    seen = []

    async def app(scope: dict, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    async_to_sync(BodyLimitGuard(app))({"type": scope_type, "path": "/ws/webcam/"}, None, None)
    assert seen == [scope_type]
