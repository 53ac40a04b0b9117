"""`WsgiInThreads`: the site's HTTP requests served from the ASGI server (uvicorn) by Django's WSGI handler, each
request one hop into a fixed pool of threads.

Why: every view and middleware here is synchronous. Django's ASGI handler runs each of them through
`sync_to_async` (a thread hop per middleware step, and a new thread per request), which cost more CPU than the
views themselves (bench/README.md, "Load"); and since each request's database work ran in a thread of its own,
connections could not be kept. Here each request crosses into the pool once, and each pool thread keeps its
database connection (CONN_MAX_AGE), bounded by WEB_THREADS per process. WebSockets stay on Channels (asgi.py).

The body has been bounded by `gallery.bodylimits.BodyLimitGuard` in front of this; it is spooled to a temporary
file past FILE_UPLOAD_MAX_MEMORY_SIZE, as Django's ASGI handler did. A client that leaves before its body is
complete never reaches Django.

Why not a2wsgi's WSGIMiddleware (measured 2026-11-30, bench/README.md "a2wsgi compared"): 15-17% more server CPU
per request (gallery, progress JSON), ~40x the CPU for a streamed file (one event-loop crossing per 4 KB piece;
here one per CHUNK), and it reads the body from a pool thread, so slow uploads hold threads and a chunked body cut
at its limit gets Django's 400/403 instead of the guard's 413.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any

from django.conf import settings

from gallery.bodylimits import Message, Receive, Scope, Send

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

CHUNK = 256 * 2**10  # a streamed response (files, video ranges) crosses back to the event loop in pieces this big


def environ_of(scope: Scope, body: Any) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333: str values, latin-1 for bytes)."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if scope.get("client"):
        environ["REMOTE_ADDR"] = scope["client"][0]
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        key = name if name in ("CONTENT_LENGTH", "CONTENT_TYPE") else f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        environ[key] = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}" if key in environ else value
    return environ


class WsgiInThreads:
    """An ASGI app serving HTTP with a WSGI app, run in a pool of `threads` threads."""

    def __init__(self, app: WsgiApp, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 (closed below)
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client left (or BodyLimitGuard cut its body): nothing reaches Django
                body.write(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body.seek(0)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self.pool, self._respond, scope, body, send, loop)
        finally:
            body.close()

    def _respond(self, scope: Scope, body: Any, send: Send, loop: asyncio.AbstractEventLoop) -> None:
        """In a pool thread: run the WSGI app, hand its answer to the event loop in as few crossings as it can."""

        def emit(*messages: Message) -> None:
            async def in_order() -> None:
                for message in messages:
                    await send(message)

            asyncio.run_coroutine_threadsafe(in_order(), loop).result()

        head: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            head["message"] = {
                "type": "http.response.start",
                "status": int(status.split(" ", 1)[0]),
                # Django writes Set-Cookie as " name=value; ..." (WSGI servers strip that space)
                "headers": [
                    (name.lower().encode("latin-1"), value.strip().encode("latin-1")) for name, value in headers
                ],
            }

        response = self.app(environ_of(scope, body), start_response)
        try:
            unsent, pending = [head["message"]], bytearray()  # start_response has run once the app returned
            for chunk in response:
                pending += chunk
                if len(pending) >= CHUNK:
                    emit(*unsent, {"type": "http.response.body", "body": bytes(pending), "more_body": True})
                    unsent, pending = [], bytearray()
            emit(*unsent, {"type": "http.response.body", "body": bytes(pending), "more_body": False})
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()  # Django's request_finished: closes connections that are too old or broken
