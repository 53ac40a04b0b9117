"""gallery/threadedwsgi.py: uvicorn hands each HTTP request to Django's WSGI handler in a fixed pool of threads.
What a WSGI app sees (path, query, headers, cookies, client address, body) and what the client gets back (status,
headers without the space Django puts before Set-Cookie values, a streamed body whole) are checked against a small
WSGI app; a client that leaves mid-body never reaches the app; and the site itself, served this way, keeps each
thread's database connection from one request to the next (no connect per request)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.db.backends.signals import connection_created

from gallery.threadedwsgi import CHUNK, WsgiInThreads


def scope(path: str = "/a/b", **extra: Any) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": "",
        "query_string": b"x=1&y=%C3%A9",
        "http_version": "1.1",
        "scheme": "https",
        "server": ("example.org", 443),
        "client": ("10.1.2.3", 5000),
        "headers": [
            (b"content-type", b"text/plain"),
            (b"content-length", b"11"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-thing", b"yes"),
        ],
        **extra,
    }


def call(app: WsgiInThreads, the_scope: dict[str, Any], parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return parts.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(the_scope, receive, send))
    return sent


def test_the_app_sees_the_request_and_the_client_gets_its_answer() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ, body=environ["wsgi.input"].read(), thread=threading.current_thread().name)
        start_response("201 Created", [("Content-Type", "text/plain"), ("Set-Cookie", " sessionid=abc; Path=/")])
        return [b"made ", b"it"]

    body = [{"type": "http.request", "body": b"hello ", "more_body": True}, {"type": "http.request", "body": b"world"}]
    sent = call(WsgiInThreads(app, threads=2), scope(), body)

    assert seen["body"] == b"hello world" and seen["thread"].startswith("wsgi")
    assert (seen["REQUEST_METHOD"], seen["PATH_INFO"], seen["QUERY_STRING"]) == ("POST", "/a/b", "x=1&y=%C3%A9")
    assert (seen["CONTENT_TYPE"], seen["CONTENT_LENGTH"], seen["HTTP_X_THING"]) == ("text/plain", "11", "yes")
    assert seen["HTTP_COOKIE"] == "a=1; b=2"
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"], seen["SERVER_NAME"]) == ("10.1.2.3", "https", "example.org")
    start, *bodies = sent
    assert start["status"] == 201
    assert (b"set-cookie", b"sessionid=abc; Path=/") in start["headers"]
    assert b"".join(message["body"] for message in bodies) == b"made it" and not bodies[-1]["more_body"]


def test_a_streamed_answer_arrives_whole_in_a_few_messages() -> None:
    piece = b"x" * 4096  # FileResponse's block size

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        return (piece for _ in range(3 * CHUNK // len(piece) + 1))

    sent = call(WsgiInThreads(app, threads=1), scope(), [{"type": "http.request", "body": b""}])
    bodies = sent[1:]
    assert b"".join(message["body"] for message in bodies) == piece * (3 * CHUNK // len(piece) + 1)
    assert len(bodies) == 4 and [message["more_body"] for message in bodies] == [True, True, True, False]


def test_a_client_that_leaves_mid_body_never_reaches_the_app() -> None:
    called = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        called.append(environ)
        start_response("200 OK", [])
        return [b""]

    parts = [{"type": "http.request", "body": b"part", "more_body": True}, {"type": "http.disconnect"}]
    assert call(WsgiInThreads(app, threads=1), scope(), parts) == []
    assert called == []


@pytest.mark.django_db(transaction=True)
def test_the_site_keeps_a_threads_database_connection_between_requests() -> None:
    connects = []

    def counted(**kwargs: Any) -> None:
        connects.append(threading.current_thread().name)

    connection_created.connect(counted)
    try:
        site = WsgiInThreads(get_wsgi_application(), threads=1)
        get = scope("/gallery/", method="GET", headers=[(b"host", b"localhost"), (b"x-forwarded-proto", b"https")])
        for _ in range(3):
            assert call(site, get, [{"type": "http.request", "body": b""}])[0]["status"] == 200
    finally:
        connection_created.disconnect(counted)
    assert len(connects) == 1 and connects[0].startswith("wsgi")
