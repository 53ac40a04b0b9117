"""With CHANNEL_REDIS_URL the webcam socket joins the Redis channel layer: a message sent to its channel through
Redis reaches it like one from the browser, and frames still come back stylized."""

from __future__ import annotations

import io
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from PIL import Image

from gallery.video.consumers import WebcamConsumer
from tests.conftest import image_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


class SeenConsumer(WebcamConsumer):
    """The webcam consumer, remembering the channel name the layer gave it."""

    channel_names: list[str] = []

    async def connect(self) -> None:
        self.channel_names.append(self.channel_name)
        await super().connect()


@async_to_sync
async def through_redis(user, model_id: int) -> tuple[dict, dict, bytes]:  # noqa: ANN001
    communicator = WebsocketCommunicator(SeenConsumer.as_asgi(), "/ws/webcam/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    ready = json.loads(await communicator.receive_from(timeout=10))
    # Sent through Redis to the socket's channel, not over the socket: what another web process would do.
    choose = json.dumps({"type": "model", "id": model_id})
    await get_channel_layer().send(SeenConsumer.channel_names[-1], {"type": "websocket.receive", "text": choose})
    chosen = json.loads(await communicator.receive_from(timeout=10))
    await communicator.send_to(bytes_data=image_bytes((64, 48), format="JPEG"))
    frame = (await communicator.receive_output(timeout=60))["bytes"]
    await communicator.disconnect()
    return ready, chosen, frame


def test_a_message_through_the_redis_layer_reaches_the_webcam_socket(owner, style_model_factory) -> None:  # noqa: ANN001
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    model = style_model_factory("johnson")
    ready, chosen, frame = through_redis(owner, model.pk)
    assert ready["type"] == "ready"
    assert chosen == {"type": "model", "id": model.pk, "name": model.name}
    assert Image.open(io.BytesIO(frame)).size == (64, 48)
