"""Bounded, resumable downloads into a ``*.part`` file, over HTTP(S) or from a local folder (stdlib only).

``download`` fills the part file and stops there: checking what arrived and renaming it into
place is the caller's business (``stylecore.fetch``). A cut download keeps its part file, and
the next call asks the server for the rest with an HTTP ``Range`` request; a server that
ignores it sends the whole file again, which then replaces the part. Every failure is one
FetchError line that names the file, says what went wrong and what to do.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import FetchError

CHUNK = 1 << 20  # bytes per read: every read is bounded
TIMEOUT = 30.0  # seconds a connection or a single read may stall
MAX_DOWNLOAD = 4 << 30  # bytes accepted when the catalogue gives no size
USER_AGENT = "stylecore-fetch/1"

Progress = Callable[[int, int | None], None]


def is_url(text: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


def source_for(url: str, file: str, mirror: str | None) -> str:
    """Where a catalogue file comes from: its URL, or `file` under the mirror (a base URL or a folder)."""
    if mirror is None:
        return url
    if is_url(mirror):
        return f"{mirror.rstrip('/')}/{urllib.parse.quote(file)}"
    return str(Path(mirror) / file)


def host_of(source: str) -> str:
    return urllib.parse.urlsplit(source).netloc if is_url(source) else source


def download(
    source: str,
    part: Path,
    *,
    label: str,
    size: int | None = None,
    on_progress: Progress | None = None,
    timeout: float = TIMEOUT,
) -> bool:
    """Make `part` hold the whole file at `source` (a URL or a local path); False when it already did.

    `size` (the catalogue's, when known) bounds the download and tells a complete part file
    from a cut one; without it the server's Content-Length does, and MAX_DOWNLOAD bounds it.
    """
    start = part.stat().st_size if part.exists() else 0
    if size is not None and start == size:
        return False  # a complete download the caller has not checked yet
    if size is not None and start > size:
        part.unlink()
        start = 0
    limit = size if size is not None else MAX_DOWNLOAD
    stream, start, total = _open(source, start, label=label, timeout=timeout)
    if total is not None and (total > limit or (size is not None and total != size)):
        stream.close()
        raise FetchError(
            f"{label}: the server offers {total} bytes, the catalogue says {size if size is not None else limit}; "
            "the file has changed: fix the catalogue's size or use another source (--from)"
        )
    done = start
    with stream, open(part, "ab" if start else "wb") as out:
        if on_progress:
            on_progress(done, total)
        try:
            while chunk := stream.read(min(CHUNK, limit - done + 1)):
                done += len(chunk)
                if done > limit:
                    break
                out.write(chunk)
                if on_progress:
                    on_progress(done, total)
        except (http.client.HTTPException, OSError) as exc:  # IncompleteRead, reset, timeout
            out.flush()
            raise _cut(label, part, out.tell(), total, f" ({exc.__class__.__name__})") from None
    if done > limit:
        part.unlink()
        raise FetchError(
            f"{label}: the download is larger than the {limit} bytes expected and was dropped; "
            "fix the catalogue's size or use another source (--from)"
        )
    expected = size if size is not None else total
    if expected is not None and done < expected:
        raise _cut(label, part, done, expected, "")
    return True


def _cut(label: str, part: Path, done: int, total: int | None, why: str) -> FetchError:
    of = f" of {total}" if total is not None else ""
    return FetchError(
        f"{label}: the download was cut after {done}{of} bytes{why}; "
        f"run the command again to resume ({part.name} is kept for that)"
    )


def _open(source: str, start: int, *, label: str, timeout: float) -> tuple[BinaryIO, int, int | None]:
    """(stream, offset the stream starts at, total size or None) for a URL or a local file."""
    if not is_url(source):
        path = Path(source)
        if not path.is_file():
            raise FetchError(f"{label}: not found in the mirror folder ({path}); copy the file there or drop --from")
        total = path.stat().st_size
        handle = open(path, "rb")  # the caller closes it
        start = start if start <= total else 0
        handle.seek(start)
        return handle, start, total
    if not source.lower().startswith(("http://", "https://")):
        raise FetchError(f"{label}: only http(s) URLs can be fetched, not {source}")
    host = host_of(source)
    headers = {"User-Agent": USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(source, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and start:  # the part file is no prefix of what is there now: start again
            return _open(source, 0, label=label, timeout=timeout)
        raise FetchError(
            f"{label}: HTTP {exc.code} {exc.reason} from {host}; check the catalogue's URL or try again later"
        ) from None
    except urllib.error.URLError as exc:
        raise FetchError(
            f"{label}: cannot reach {host} ({exc.reason}); check the network, or fetch from a mirror with --from"
        ) from None
    except (http.client.HTTPException, OSError) as exc:  # timeouts and resets before any header
        raise FetchError(
            f"{label}: no answer from {host} ({exc.__class__.__name__}); try again, or fetch from a mirror with --from"
        ) from None
    length = response.headers.get("Content-Length")
    length = int(length) if length and length.isdigit() else None
    content_range = re.match(r"bytes (\d+)-\d+/(\d+|\*)", response.headers.get("Content-Range") or "")
    if response.status == 206 and content_range and int(content_range.group(1)) == start:
        return response, start, start + length if length is not None else None
    if response.status == 206:  # a range we did not ask for: ask for the whole file instead
        response.close()
        return _open(source, 0, label=label, timeout=timeout)
    return response, 0, length  # 200: the server ignored Range and sends everything


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(part: Path, *, label: str, size: int | None, sha256: str | None, sha256_prefix: str | None) -> None:
    """The catalogue's size and checksum for a finished download; a part that fails them is deleted."""
    actual = part.stat().st_size
    problem = None
    if size is not None and actual != size:
        problem = f"it has {actual} bytes, the catalogue says {size}"
    elif sha256 or sha256_prefix:
        digest = sha256_of(part)
        if sha256 and digest != sha256:
            problem = f"its sha256 is {digest}, the catalogue says {sha256}"
        elif sha256_prefix and not digest.startswith(sha256_prefix):
            problem = f"its sha256 starts {digest[: len(sha256_prefix)]}, the catalogue says {sha256_prefix}"
    if problem:
        part.unlink()
        raise FetchError(
            f"{label}: wrong file: {problem}; it was deleted: try again, or check the source and the catalogue"
        )
