"""`manage.py serve [host:port] [--reload] [--workers N]`: the site under uvicorn, as `./dev up` and production run it.

uvicorn hands request bodies to the app in chunks, so gallery/bodylimits.py refuses an oversized one before it is
read (daphne, `runserver`'s ASGI server, read and parsed whole bodies in memory before Django saw them), and it
bounds WebSocket messages to the largest webcam frame. HTTP then runs in Django's WSGI handler in a pool of
WEB_THREADS threads per process (gallery/threadedwsgi.py: one thread hop per request, kept database connections).
HTTP is parsed by httptools and the event loop is uvloop (WEB_HTTP, WEB_LOOP): uvicorn's pure-Python h11 parser was a
third of a small request's server CPU (bench/README.md, "Load").
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stylecore import live

WS_TEXT_ROOM = 4096  # the socket's text messages (choose a style, capture) are tiny


def parse_addrport(addrport: str) -> tuple[str, int]:
    """ "8000", "0.0.0.0:8000" or "[::1]:8000" -> (host, port); the host defaults to 127.0.0.1."""
    host, _, port = addrport.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"{addrport!r} is not a port or host:port.")
    return host.strip("[]") or "127.0.0.1", int(port)


class Command(BaseCommand):
    help = "Serve HTTP and the webcam's WebSockets with uvicorn; request bodies are bounded before they are read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="port or host:port")
        parser.add_argument("--reload", action="store_true", help="restart when Python code changes (development)")
        parser.add_argument("--workers", type=int, default=1, help="server processes (production)")

    def handle(self, *args: Any, addrport: str, reload: bool, workers: int, **options: Any) -> None:
        host, port = parse_addrport(addrport)
        uvicorn.run(
            "gallery.asgi:application",
            host=host,
            port=port,
            reload=reload,
            reload_dirs=[str(settings.BASE_DIR / "gallery"), str(settings.BASE_DIR / "stylecore")] if reload else None,
            workers=None if reload else workers,
            http=settings.WEB_HTTP,
            loop=settings.WEB_LOOP,
            lifespan="off",  # Django speaks no lifespan protocol
            ws_max_size=live.MAX_FRAME_BYTES + WS_TEXT_ROOM,
            proxy_headers=False,  # who the client is stays Django's call (no X-Forwarded-For trusted here)
            server_header=False,
            # one log line per request cost ~10% of a small request's CPU; production's HTTPS proxy logs requests
            access_log=settings.DEBUG,
        )
