"""Record / Stop on the webcam socket: the frames sent back while recording become an MP4 result in the
user's "My results" (and the API's list), playing at the rate they came; the recording stops itself at
WEBCAM_MAX_RECORD_SECONDS; a socket closed mid-recording keeps what was recorded; wrong requests get a
message; only the socket's user owns (and sees) the result."""

from __future__ import annotations

import asyncio
import io
import json
import time

import numpy as np
import pytest
from asgiref.sync import async_to_sync
from PIL import Image

from gallery.studio.models import Result
from stylecore import video
from stylecore.video.probe import open_video, video_stream
from tests.api.conftest import api_for
from tests.conftest import client_for, image_bytes
from tests.video.test_webcam_socket_stylizes_frames import choose, communicator_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

START = json.dumps({"type": "record", "action": "start"})
STOP = json.dumps({"type": "record", "action": "stop"})


async def reply(communicator, message: str | bytes) -> dict | bytes:  # noqa: ANN001
    await communicator.send_to(**({"bytes_data": message} if isinstance(message, bytes) else {"text_data": message}))
    return await receive(communicator)


async def receive(communicator) -> dict | bytes:  # noqa: ANN001
    output = await communicator.receive_output(timeout=60)
    return output.get("bytes") or json.loads(output["text"])


@async_to_sync
async def record(user, model, frames: int, *, gap: float = 0.05, close: bool = False) -> dict:  # noqa: ANN001
    """Record `frames` frames, `gap` seconds apart, then Stop (or close the socket): what came back."""
    communicator = communicator_for(user)
    assert (await communicator.connect())[0]
    await receive(communicator)  # ready
    assert (await reply(communicator, choose(model)))["type"] == "model"
    started = await reply(communicator, START)
    styled, arrived = [], []
    for _ in range(frames):
        styled.append(await reply(communicator, image_bytes((64, 48), format="JPEG")))
        arrived.append(time.monotonic())
        await asyncio.sleep(gap)
    if close:
        await communicator.disconnect(timeout=30)  # the server saves while it closes
        return {"started": started, "styled": styled, "arrived": arrived}
    saving, saved = await reply(communicator, STOP), await receive(communicator)
    await communicator.disconnect()
    return {"started": started, "styled": styled, "arrived": arrived, "saving": saving, "saved": saved}


def frame_times(path) -> list[float]:  # noqa: ANN001
    with open_video(path) as container:
        return [float(f.pts * f.time_base) for f in container.decode(video_stream(container))]


def test_the_recording_is_an_mp4_result_of_the_frames_sent_back_at_their_rate(
    owner,  # noqa: ANN001
    other_user,  # noqa: ANN001
    style_model_factory,  # noqa: ANN001
) -> None:
    model = style_model_factory("johnson", name="Tiny mosaic")
    out = record(owner, model, 6, gap=0.1)
    assert out["started"] == {"type": "recording", "max_seconds": 60.0}
    assert out["saving"] == {"type": "saving", "message": ""}
    result = Result.objects.get(owner=owner)
    assert out["saved"] == {
        "type": "recorded",
        "url": result.get_absolute_url(),
        "title": "Webcam recording × Tiny mosaic",
        "frames": 6,
        "seconds": pytest.approx(result.seconds, abs=0.05),
    }
    mp4 = result.video.file.path
    times = frame_times(mp4)
    assert len(times) == 6 == result.video.frames == result.steps_done
    # each frame at the moment it was sent: the gaps the client saw, so it plays at the rate achieved
    assert np.diff(times) == pytest.approx(np.diff(out["arrived"]), abs=0.03)
    achieved = 5 / (times[-1] - times[0])
    assert float(result.video.fps) == pytest.approx(achieved, abs=0.1)
    assert result.params["fps"] == result.video.fps and result.final_losses["fps"] == pytest.approx(achieved, abs=0.05)
    # the frames are the ones the page showed (H.264 is lossy: close, not equal)
    first = np.asarray(Image.open(io.BytesIO(out["styled"][0])).convert("RGB"), dtype=float)
    assert np.abs(video.read_frames(mp4)[0] - first).mean() < 12
    assert (result.width, result.height, result.algorithm, result.random_weights) == (64, 48, "johnson", True)
    assert result.params["model"] == "Tiny mosaic" and result.weights_source == "Tiny mosaic"
    assert result.device == "cpu" and result.job.state == "succeeded" and result.job.options["source"] == "webcam"
    # only the socket's user owns and sees it; the API lists it like any other result
    assert client_for(owner).get(result.get_absolute_url()).status_code == 200
    assert client_for(other_user).get(result.get_absolute_url()).status_code == 404
    assert client_for(other_user).get(f"/videos/results/{result.share_token}/stylized").status_code == 404
    listed = api_for(owner).get("/api/v1/results/").json()["results"]
    assert [(r["token"], r["params"]["frames"], r["steps_done"]) for r in listed] == [(result.share_token, 6, 6)]
    assert api_for(other_user).get("/api/v1/results/").json()["count"] == 0


def test_the_recording_stops_and_is_saved_at_its_time_limit(owner, style_model_factory, settings) -> None:  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "WEBCAM_MAX_RECORD_SECONDS": 0.3}
    model = style_model_factory("johnson")

    @async_to_sync
    async def run() -> list:
        communicator = communicator_for(owner)
        await communicator.connect()
        await receive(communicator)
        await reply(communicator, choose(model))
        await reply(communicator, image_bytes((32, 32), format="JPEG"))  # the model loaded before the clock starts
        replies = [await reply(communicator, START)]
        for _ in range(3):  # about 0, 0.2 and 0.4 s: the third is past the limit
            replies.append(await reply(communicator, image_bytes((32, 32), format="JPEG")))
            await asyncio.sleep(0.2)
        replies += [await receive(communicator), await receive(communicator), await reply(communicator, STOP)]
        await communicator.disconnect()
        return replies

    started, *frames, saving, saved, stop = run()
    assert started["max_seconds"] == 0.3 and all(isinstance(f, bytes) for f in frames)
    assert saving == {"type": "saving", "message": "The recording stopped at its limit of 0.3 seconds."}
    assert saved["type"] == "recorded" and saved["frames"] == 2
    assert stop == {
        "type": "error",
        "message": "Not recording.",
        "recording": False,
    }  # Stop after the limit: nothing left to do
    assert Result.objects.get(owner=owner).video.frames == 2


def test_a_one_frame_recording_claims_no_frame_rate(owner, style_model_factory) -> None:  # noqa: ANN001
    record(owner, style_model_factory("johnson"), 1)
    result = Result.objects.get(owner=owner)
    assert result.video.frames == 1 and result.video.fps == "" and "fps" not in result.final_losses
    page = client_for(owner).get(result.get_absolute_url()).content.decode()
    assert "· 1 frame ·" in page and " fps" not in page


def test_a_socket_closed_mid_recording_keeps_what_was_recorded(owner, style_model_factory) -> None:  # noqa: ANN001
    record(owner, style_model_factory("johnson"), 3, close=True)
    assert Result.objects.get(owner=owner).video.frames == 3


def test_wrong_record_requests_get_a_message_and_save_nothing(owner) -> None:  # noqa: ANN001
    @async_to_sync
    async def run() -> list:
        communicator = communicator_for(owner)
        await communicator.connect()
        await receive(communicator)
        messages = [STOP, json.dumps({"type": "record", "action": "pause"}), START, START, STOP]
        replies = [await reply(communicator, message) for message in messages]
        replies.append(await receive(communicator))  # after "saving": nothing to save
        await communicator.disconnect()
        return replies

    stop, unknown, _, again, saving, empty = run()
    assert stop == {"type": "error", "message": "Not recording.", "recording": False}
    assert unknown == {"type": "error", "message": "Unknown message."}
    assert again == {"type": "error", "message": "Already recording.", "recording": True}
    assert saving["type"] == "saving"
    nothing = "Nothing was recorded: no stylized frame came back while recording."
    assert empty == {"type": "error", "message": nothing, "recording": False}
    assert not Result.objects.exists()
