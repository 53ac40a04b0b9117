"""File responses with HTTP Range support, so browsers can seek in videos.

Django's FileResponse always sends the whole file; <video> elements ask for byte ranges and
Safari refuses to play without them. One range per request (what browsers send) is supported.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from gallery.core.http import file_response

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _parse(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single satisfiable range; None when unsatisfiable."""
    match = RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first:  # "bytes=-N": the last N bytes
        if not last or int(last) == 0:
            return None
        return max(0, size - int(last)), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end else None


def _read(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(request: HttpRequest, field: FieldFile) -> HttpResponse:
    """The whole file (200, Accept-Ranges) or the asked range (206), or 416 when out of range."""
    header = request.headers.get("Range")
    if not header:
        response = file_response(field)
        response["Accept-Ranges"] = "bytes"
        return response
    try:
        size = field.size
    except FileNotFoundError:
        raise Http404("No such file.") from None
    span = _parse(header, size)
    if span is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = span
    content_type = mimetypes.guess_type(PurePosixPath(field.name).name)[0] or "application/octet-stream"
    response = StreamingHttpResponse(_read(field.storage.open(field.name, "rb"), start, end - start + 1), status=206)
    response["Content-Type"] = content_type
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
