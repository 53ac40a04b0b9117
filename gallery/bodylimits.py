"""How large a request body each route takes, enforced in front of Django before anything reads the body.

Upload routes take their files (UPLOAD_ROUTES) plus room for the form around them; every other route takes
that room only (DATA_UPLOAD_MAX_MEMORY_SIZE plus multipart headers). `BodyLimitGuard` wraps the ASGI app:
a request whose Content-Length is over its route's limit is answered 413 at once, its body unread; a chunked
one is cut when it passes the limit (Django is told the client left, so it keeps nothing). Bodies within
the limit reach Django in chunks, which it spools to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from gallery.core.conf import studio_setting
from gallery.stylemodels.services import MAX_MODEL_BYTES
from stylecore.video import MAX_FILE_BYTES as MAX_VIDEO_BYTES

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MULTIPART_ROOM = 64 * 2**10  # part headers and boundaries around a form's fields and files


@dataclass(frozen=True)
class Allowance:
    files: int  # bytes of files the route's form takes
    says: str  # the same for people: "20 images of at most 30 MB each"


def megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 10 * 2**20 else f"{size / 2**20:.1f} MB"


def _images_page() -> Allowance:
    each, most = studio_setting("MAX_UPLOAD_BYTES"), studio_setting("MAX_FILES_PER_UPLOAD")
    return Allowance(each * most, f"{most} images of at most {megabytes(each)} each")


def _image() -> Allowance:
    each = studio_setting("MAX_UPLOAD_BYTES")
    return Allowance(each, f"one image of at most {megabytes(each)}")


def _masks() -> Allowance:
    """The job page: a mask (uploaded or painted) for each of its styles."""
    each, most = studio_setting("MAX_UPLOAD_BYTES"), studio_setting("MAX_STYLES")
    return Allowance(each * most, f"{most} masks of at most {megabytes(each)} each")


def _video() -> Allowance:
    return Allowance(MAX_VIDEO_BYTES, f"a video of at most {megabytes(MAX_VIDEO_BYTES)}")


def _model_file() -> Allowance:
    image = studio_setting("MAX_UPLOAD_BYTES")
    says = f"a model file of at most {megabytes(MAX_MODEL_BYTES)} and a style image of at most {megabytes(image)}"
    return Allowance(MAX_MODEL_BYTES + image, says)


def _training_zip() -> Allowance:
    zipped, image = settings.TRAINING_ZIP_MAX_BYTES, studio_setting("MAX_UPLOAD_BYTES")
    says = f"a zip of photos of at most {megabytes(zipped)} and a style image of at most {megabytes(image)}"
    return Allowance(zipped + image, says)


# Every route whose form takes files, by URL name. A route missing here takes forms without files only.
UPLOAD_ROUTES: dict[str, Callable[[], Allowance]] = {
    "studio:upload_create": _images_page,
    "api:images": _image,
    "studio:job_create": _masks,
    "video:video_create": _video,
    "api:videos": _video,
    "admin:stylemodels_stylemodel_add": _model_file,
    "admin:stylemodels_trainingrun_add": _training_zip,
    "api:training_runs": _training_zip,
}


def form_room() -> int:
    """What a form's fields may take besides files (Django refuses more of them itself)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_ROOM


def body_limit(path: str) -> tuple[int, str]:
    """The most bytes a body sent to `path` may have, and what that allows in words."""
    try:
        allowance = UPLOAD_ROUTES.get(resolve(path).view_name)
    except Resolver404:
        allowance = None
    if allowance is None:
        return form_room(), f"at most {megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} of form data"
    found = allowance()
    return found.files + form_room(), found.says


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value
    return None


def _path_info(scope: Scope) -> str:
    path, root = scope.get("path", "/"), scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class BodyLimitGuard:
    """ASGI middleware: every HTTP request body bounded by its route's limit, before the body is read."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        length = int(declared) if declared is not None and declared.isdigit() else None
        if not length and _header(scope, b"transfer-encoding") is None:
            await self.app(scope, receive, send)  # no body (the server has checked the headers' syntax)
            return
        path = _path_info(scope)
        limit, says = body_limit(path)
        if length is not None:
            if length > limit:
                logger.info("refused a %d-byte body for %s (at most %d)", length, path, limit)
                await refuse(path, says, send)
            else:
                await self.app(scope, receive, send)  # the server delivers no more than the Content-Length
            return
        await self._counted(scope, receive, send, path, limit, says)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, path: str, limit: int, says: str) -> None:
        """A chunked body: count it as it arrives; past the limit the app hears that the client left."""
        received, cut, answered = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    logger.info("cut a chunked body for %s after %d bytes (at most %d)", path, received, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            answered = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if cut and not answered:
            await refuse(path, says, send)


async def refuse(path: str, says: str, send: Send) -> None:
    """413 in the API's error shape under /api/, the site's page elsewhere; the connection is closed."""
    if path.startswith("/api/"):
        message = f"The request is too large: this endpoint takes {says}. Nothing was kept."
        body = json.dumps({"error": {"code": "too_large", "message": message, "fields": {}}}).encode()
        content_type = b"application/json"
    else:
        message = f"The request is too large: this page takes {says}. Nothing was kept."
        body = render_to_string("413.html", {"message": message}).encode()
        content_type = b"text/html; charset=utf-8"
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
