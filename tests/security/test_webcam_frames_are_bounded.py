"""Webcam frames are checked before they are decoded, on the real socket of the server `./dev up` runs: a
320x48000 picture (a 135 KB PNG, or the same as a JPEG) is refused at once with a clear message and costs the
server almost no memory, and the socket goes on working; a message larger than any frame is refused by the
server itself (close code 1009) before the consumer sees it.

Before: the tall PNG took 8.9 s and 1.5 GB that stayed.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PIL import Image
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from stylecore import live
from tests.conftest import client_for, image_bytes
from tests.helpers.asgi import MIB, Server, peak_rss, reset_peak, rss
from tests.stylemodels.conftest import style_model_factory  # noqa: F401  a fixture used here

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

MEMORY_BOUND = 100 * MIB


def tall(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((320, 48000)).convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


@contextmanager
def webcam(server: Server, user) -> Iterator[ClientConnection]:  # noqa: ANN001
    """The webcam socket of a signed-in user, past its "ready" greeting."""
    session = client_for(user).cookies["sessionid"].value
    with connect(
        f"ws://localhost:{server.port}/ws/webcam/",
        additional_headers={"Origin": server.url, "Cookie": f"sessionid={session}"},
        max_size=None,
        open_timeout=30,
    ) as socket:
        assert json.loads(socket.recv(timeout=30))["type"] == "ready"
        yield socket


def reply_to(socket: ClientConnection, message: str | bytes) -> str | bytes:
    socket.send(message)
    return socket.recv(timeout=60)


def test_a_tall_frame_is_refused_at_once_with_a_message(site_server, owner, style_model_factory) -> None:  # noqa: ANN001, F811
    model = style_model_factory("johnson")
    with webcam(site_server, owner) as socket:
        assert json.loads(reply_to(socket, json.dumps({"type": "model", "id": model.pk})))["type"] == "model"
        assert isinstance(reply_to(socket, image_bytes((64, 48), format="JPEG")), bytes)  # warm: the model is loaded
        pid = site_server.process.pid
        for fmt, message in [
            ("PNG", "The frame is not a JPEG picture."),
            ("JPEG", "The frame is too large: 320x48000 pixels (at most 1920 pixels on a side and 2.1 megapixels)."),
        ]:
            frame = tall(fmt)
            assert len(frame) < live.MAX_FRAME_BYTES
            reset_peak(pid)
            before = rss(pid)
            started = time.monotonic()
            assert json.loads(reply_to(socket, frame)) == {"type": "error", "message": message}
            assert time.monotonic() - started < 2, fmt
            grown = peak_rss(pid) - before
            assert grown < MEMORY_BOUND, f"{fmt}: the server grew by {grown / MIB:.0f} MB"
        styled = reply_to(socket, image_bytes((64, 48), format="JPEG"))  # the socket still works
        assert Image.open(io.BytesIO(styled)).size == (64, 48)


def test_a_message_larger_than_any_frame_is_refused_by_the_server(site_server, owner) -> None:  # noqa: ANN001
    pid = site_server.process.pid
    with webcam(site_server, owner) as socket:
        reset_peak(pid)
        before = rss(pid)
        socket.send(bytes(8 * MIB))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # "message too big"
    assert peak_rss(pid) - before < MEMORY_BOUND
