"""Small view helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

T = TypeVar("T")


def client_ip(request: HttpRequest) -> str:
    """The address every per-address limit counts (log-in lock-outs, form and API throttles).

    The connection's own address, unless settings.TRUSTED_PROXIES proxies stand in front: each appends the
    address it was reached from to X-Forwarded-For, so the client is that many entries from the right.
    Entries further left are whatever the client wrote, never trusted.
    """
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return request.META.get("REMOTE_ADDR", "")
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))]


def visible_or_login(request: HttpRequest, lookup: Callable[[], T]) -> T | HttpResponse:
    """Run a selector lookup; when it 404s for an anonymous visitor, send them to log in instead
    (a private thing may be theirs once they do). Signed-in people get the 404."""
    try:
        return lookup()
    except Http404:
        if request.user.is_authenticated:
            raise
        return redirect_to_login(request.get_full_path())


def image_or_thumb(found: Any, variant: str) -> FileResponse:
    """An Upload's or Result's image or thumbnail, as the URL's last part asks; any other name is a 404."""
    if variant not in ("image", "thumb"):
        raise Http404("No such file.")
    return file_response(found.thumbnail if variant == "thumb" else found.image)


def file_response(field: FieldFile, *, download_name: str | None = None) -> FileResponse:
    """Stream a stored file; private caching, since who may see it depends on the viewer."""
    if not field or not field.name:
        raise Http404("No such file.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = FileResponse(
        handle,
        as_attachment=download_name is not None,
        filename=download_name or PurePosixPath(field.name).name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def archive_response(handle: Any, filename: str) -> FileResponse:
    """Stream a zip made for this request (an open temporary file, closed and so deleted once sent)."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
