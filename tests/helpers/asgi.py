"""The web server `./dev up` runs (`manage.py serve`: uvicorn), started for a test on the test database; raw
HTTP requests whose bodies are streamed from generators (never built in memory); a process's memory.

`send` writes the head, then the body chunk by chunk, and stops as soon as the server has answered (or
closed the connection), like a client that watches for an early 413; `Reply.sent` says how much went out.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.network import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
MIB = 2**20


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    tmp: Path | None = None  # its TMPDIR, when the starter gave it one

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def wait_listening(port: int, process: subprocess.Popen, log_path: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)
    raise RuntimeError(f"the server did not listen in {timeout:.0f} s:\n{log_path.read_text(errors='replace')}")


def start_server(log_path: Path, env: dict[str, str], *command: str) -> Server:
    """`manage.py serve` (or `manage.py <command...>` with "{port}" filled in) in its own process group."""
    port = free_port()
    args = [part.format(port=port) for part in command] or ["serve", f"127.0.0.1:{port}"]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log_path)
    try:
        wait_listening(port, process, log_path)
    except RuntimeError:
        server.stop()
        raise
    return server


# --- Memory of a process (Linux /proc) ----------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


def rss(pid: int) -> int:
    """The resident memory now, in bytes."""
    return _status_kib(pid, "VmRSS") * 1024


def peak_rss(pid: int) -> int:
    """The highest resident memory since the last reset_peak (or the start), in bytes."""
    return _status_kib(pid, "VmHWM") * 1024


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # "5": reset the peak to the current RSS


# --- Requests with streamed bodies ------------------------------------------------------------------------


def zeros(total: int, chunk: int = MIB) -> Iterator[bytes]:
    """`total` zero bytes, as one reused chunk: a 200 MB body costs the test 1 MB."""
    block = bytes(chunk)
    whole, rest = divmod(total, chunk)
    for _ in range(whole):
        yield block
    if rest:
        yield block[:rest]


@dataclass
class Multipart:
    """A multipart/form-data body: text fields, then one file of `size` zero bytes (or `data`), streamed."""

    fields: dict[str, str] = field(default_factory=dict)
    file_field: str = "file"
    filename: str = "big.png"
    size: int = 0
    data: bytes | None = None
    boundary: str = "----gallery-test-boundary-7d41"

    def __post_init__(self) -> None:
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in self.fields.items()
        )
        head += (
            f"--{self.boundary}\r\nContent-Disposition: form-data; "
            f'name="{self.file_field}"; filename="{self.filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self._head, self._tail = head, f"\r\n--{self.boundary}--\r\n".encode()
        if self.data is not None:
            self.size = len(self.data)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self._head) + self.size + len(self._tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self._head
        yield from (self.data,) if self.data is not None else zeros(self.size)
        yield self._tail


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes written before the server answered or closed
    seconds: float

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _answered(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _read_reply(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the connection closed before a whole response head: {data[:200]!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    length = int(headers.get("content-length", -1))
    while len(body) < length or (length < 0 and headers.get("connection") == "close"):
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


def send(
    port: int,
    method: str,
    path: str,
    *,
    body: Iterable[bytes] = (),
    length: int | None = 0,
    headers: dict[str, str] | None = None,
    timeout: float = 120.0,
) -> Reply:
    """One request on a new connection; `length=None` sends the body chunked (no Content-Length)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: localhost:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines.append("Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}")
    started = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        try:
            for chunk in body:
                if _answered(sock):
                    break
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if length is None else chunk)
                sent += len(chunk)
            else:
                if length is None:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while the body was still coming: read its answer
        status, reply_headers, reply_body = _read_reply(sock)
    return Reply(status, reply_headers, reply_body, sent, time.monotonic() - started)
