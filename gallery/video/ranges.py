"""File responses with HTTP Range support, so browsers can seek in videos.

Django's FileResponse always sends the whole file; <video> elements ask for byte ranges and
Safari refuses to play without them. One range per request (what browsers send) is supported; a Range
header that is not one well-formed byte range (several ranges, another unit, garbage) is ignored and
the whole file sent, as RFC 9110 allows; one that cannot be satisfied (past the end, last before
first) is a 416.
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

RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.ASCII)
CHUNK = 64 * 1024
# Past the end of any file: longer numbers are read as this, never converted (Python refuses more than
# 4300 digits, and there is no point).
BEYOND = 10**18


def _number(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) < len(str(BEYOND)) else BEYOND


def _single_range(header: str | None) -> tuple[str, str] | None:
    """The first and last positions (digits, either may be empty) of one byte range; None for anything else."""
    match = RANGE.fullmatch(header.strip()) if header else None
    return match.groups() if match and match.groups() != ("", "") else None


def _span(first: str, last: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive within the file; None when unsatisfiable."""
    if not first:  # "bytes=-N": the last N bytes
        suffix = _number(last)
        return (max(0, size - suffix), size - 1) if suffix and size else None
    start = _number(first)
    end = min(_number(last), size - 1) if last else size - 1
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
    spec = _single_range(request.headers.get("Range"))
    if spec is None:
        response = file_response(field)
        response["Accept-Ranges"] = "bytes"
        return response
    try:
        size = field.size
    except FileNotFoundError:
        raise Http404("No such file.") from None
    span = _span(*spec, size)
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
