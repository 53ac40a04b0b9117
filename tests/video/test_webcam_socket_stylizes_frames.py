"""The webcam WebSocket: a JPEG frame in, a stylized JPEG of the right size out; anonymous
visitors refused; Capture keeps the current frame as a Result in the user's gallery."""

from __future__ import annotations

import io
import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from PIL import Image

from gallery.asgi import application
from gallery.studio.models import Result
from gallery.video.consumers import UNAUTHORIZED, WebcamConsumer
from stylecore import live
from tests.conftest import image_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

ORIGIN = [(b"origin", b"http://localhost")]


def communicator_for(user) -> WebsocketCommunicator:  # noqa: ANN001
    communicator = WebsocketCommunicator(WebcamConsumer.as_asgi(), "/ws/webcam/")
    communicator.scope["user"] = user
    return communicator


def jpeg(size: tuple[int, int]) -> bytes:
    return image_bytes(size, format="JPEG")


@async_to_sync
async def session(user, *messages: str | bytes) -> list[str | bytes]:  # noqa: ANN001
    """Connect, read the greeting, send each message and collect one reply per message."""
    communicator = communicator_for(user)
    connected, _ = await communicator.connect()
    assert connected
    replies = [json.loads(await communicator.receive_from(timeout=10))]
    for message in messages:
        if isinstance(message, bytes):
            await communicator.send_to(bytes_data=message)
        else:
            await communicator.send_to(text_data=message)
        output = await communicator.receive_output(timeout=60)
        replies.append(output.get("bytes") or json.loads(output["text"]))
    await communicator.disconnect()
    return replies


def choose(model) -> str:  # noqa: ANN001
    return json.dumps({"type": "model", "id": model.pk})


def test_a_frame_comes_back_stylized_as_a_jpeg_of_the_same_size(owner, style_model_factory) -> None:  # noqa: ANN001
    model = style_model_factory("johnson")
    ready, chosen, frame = session(owner, choose(model), jpeg((64, 48)))
    assert ready == {"type": "ready", "width": live.frame_width(), "gpu": live.has_gpu()}
    assert chosen == {"type": "model", "id": model.pk, "name": model.name}
    picture = Image.open(io.BytesIO(frame))
    assert (picture.format, picture.size) == ("JPEG", (64, 48))


def test_frames_wider_than_the_cpu_width_are_scaled_down(owner, style_model_factory) -> None:  # noqa: ANN001
    assert not live.has_gpu()  # the tests run with STYLECORE_DEVICE=cpu
    _, _, frame = session(owner, choose(style_model_factory("johnson")), jpeg((640, 480)))
    assert Image.open(io.BytesIO(frame)).size == (live.CPU_WIDTH, live.CPU_WIDTH * 3 // 4)


def test_disabled_models_and_bad_frames_get_an_error_message(owner, style_model_factory) -> None:  # noqa: ANN001
    disabled = style_model_factory("johnson", enabled=False)
    enabled = style_model_factory("johnson", name="on")
    _, refused, early, _, broken = session(
        owner, choose(disabled), jpeg((32, 32)), choose(enabled), b"not a jpeg at all"
    )
    assert refused["type"] == "error" and "not available" in refused["message"]
    assert early == {"type": "error", "message": "Choose a style first."}
    assert broken == {"type": "error", "message": "The frame is not a JPEG picture."}


def test_capture_keeps_the_current_frame_in_the_gallery(owner, style_model_factory) -> None:  # noqa: ANN001
    model = style_model_factory("johnson")
    _, _, frame, captured = session(owner, choose(model), jpeg((64, 48)), json.dumps({"type": "capture"}))
    result = Result.objects.get(owner=owner)
    assert captured == {"type": "captured", "url": result.get_absolute_url(), "title": result.title}
    assert (result.width, result.height, result.algorithm) == (64, 48, "johnson")
    assert result.params["model"] == model.name and result.job.state == "succeeded"
    assert Image.open(result.image.path).size == Image.open(io.BytesIO(frame)).size


@async_to_sync
async def connect_anonymously() -> tuple[bool, int | None]:
    communicator = WebsocketCommunicator(application, "/ws/webcam/", headers=ORIGIN)
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return connected, code


def test_anonymous_visitors_are_refused() -> None:
    assert connect_anonymously() == (False, UNAUTHORIZED)
