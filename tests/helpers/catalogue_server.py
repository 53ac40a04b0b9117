"""A model catalogue served over real HTTP from a thread on 127.0.0.1, with files made in the test.

`CatalogueServer` serves `files` (name -> bytes) and can misbehave on purpose: `cut[name] = n`
sends the full Content-Length but only n bytes of the body once, then closes the connection;
`ignore_range` answers every Range request with the whole file (200); names in `no_length` are
sent without a Content-Length (the end of the connection ends the body). `requests` records
(name, Range header) for every GET. The maker functions write what stylecore.fetch expects.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import torch
from PIL import Image

from stylecore import johnson
from stylecore.features import state_shapes


class CatalogueServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.cut: dict[str, int] = {}
        self.ignore_range = False
        self.no_length: set[str] = set()
        self.requests: list[tuple[str, str | None]] = []
        self.port = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{urllib.parse.quote(name)}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def gets(self, name: str) -> int:
        return sum(1 for got, _ in self.requests if got == name)


@contextmanager
def serving() -> Iterator[CatalogueServer]:
    """A CatalogueServer listening until the block ends (then shut down, its thread joined)."""
    state = CatalogueServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            name = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
            wanted = self.headers.get("Range")
            state.requests.append((name, wanted))
            if name not in state.files:
                self.send_error(404)
                return
            data, start = state.files[name], 0
            if wanted and wanted.startswith("bytes=") and not state.ignore_range:
                start = int(wanted[len("bytes=") :].split("-")[0])
                if start >= len(data):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            if name not in state.no_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: state.cut.pop(name)] if name in state.cut else body)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that hangs up early (refusing a size, say) is part of the tests

    server = Server(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def saved(obj: object, *, legacy: bool = False) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=not legacy)
    return buffer.getvalue()


def johnson_pth(seed: int = 0) -> bytes:
    """A fast-neural-style .pth: the standard TransformerNet's state_dict saved with torch.save."""
    torch.manual_seed(seed)
    return saved(johnson.TransformerNet().state_dict())


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def style_jpeg(color: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def vgg_pth(*, legacy: bool = False, drop: str | None = None) -> bytes:
    """A VGG19-shaped state_dict (features.* only, zeros: ~80 MB, written in about 0.1 s)."""
    state = {f"features.{key}": torch.zeros(shape) for key, shape in state_shapes().items() if key != drop}
    return saved(state, legacy=legacy)


def johnson_entry(server: CatalogueServer, name: str, *, archive: str = "saved_models.zip", **fields: object) -> dict:
    """A catalogue entry for saved_models/<name>.pth in the served archive, with <name>.jpg as style image."""
    entry = {
        "name": name,
        "kind": "johnson",
        "title": name.replace("_", " ").title(),
        "file": archive,
        "url": server.url(archive) + "?dl=1",
        "member": f"saved_models/{name}.pth",
        "licence": "BSD-3-Clause",
        "source": "https://example.invalid/",
        "style_image": {"file": f"{name}.jpg", "url": server.url(f"{name}.jpg")},
    }
    return {**entry, **fields}


def write_catalogue(path: Path, entries: list[dict]) -> Path:
    path.write_text(json.dumps({"format": 1, "entries": entries}))
    return path
