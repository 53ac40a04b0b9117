"""The webcam socket: JPEG frames in, stylized JPEG frames out; text messages pick the style,
capture the current frame into the gallery, and record the stylized frames as an MP4 there.

Frames are dropped while the network is busy: only the latest frame that arrived meanwhile is
processed next, so a slow server lowers the frame rate instead of building a backlog.

Recording ({"type": "record", "action": "start" | "stop"}) encodes each frame sent back at the moment
it was sent, so the MP4 plays at the rate achieved; it stops by itself at WEBCAM_MAX_RECORD_SECONDS.
Replies: "recording", then "saving" and "recorded" (the result's URL); its errors say whether a
recording is still going ("recording": true or false), so the page's buttons follow.
A socket that closes mid-recording still saves what was recorded: nothing the person saw is lost.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError

from gallery.core.conf import studio_setting
from gallery.stylemodels.models import Kind, StyleModel
from gallery.stylemodels.selectors import style_models_enabled
from stylecore import live
from stylecore.errors import StylecoreError
from stylecore.video import Recorded, VideoError

from . import services, webcam

UNAUTHORIZED = 4401  # close code for anonymous visitors


@database_sync_to_async
def _enabled_model(pk: Any) -> StyleModel | None:
    try:
        return style_models_enabled(Kind.JOHNSON).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


class WebcamConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORIZED)
            return
        self.user = user
        self.model: StyleModel | None = None
        self.pending: bytes | None = None
        self.last: tuple[bytes, StyleModel] | None = None  # the latest stylized frame, for Capture
        self.worker: asyncio.Task | None = None
        self.recording: webcam.Recording | None = None
        await self.accept()
        await self._send_json(type="ready", width=live.frame_width(), gpu=live.has_gpu())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "worker", None) is not None:
            self.worker.cancel()
        if getattr(self, "recording", None) is not None:
            await self._save_recording(notify=False)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None:
            self.pending = bytes_data  # replaces a frame still waiting: only the newest counts
            if self.worker is None or self.worker.done():
                self.worker = asyncio.create_task(self._drain())
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            message = {}
        action = message.get("type") if isinstance(message, dict) else None
        if action == "model":
            await self._choose(message.get("id"))
        elif action == "capture":
            await self._capture()
        elif action == "record" and message.get("action") in ("start", "stop"):
            await self._record(message["action"])
        else:
            await self._send_json(type="error", message="Unknown message.")

    async def _choose(self, pk: Any) -> None:
        model = await _enabled_model(pk)
        if model is None:
            await self._send_json(type="error", message="This style is not available; choose another.")
            return
        self.model = model
        await self._send_json(type="model", id=model.pk, name=model.name)

    async def _drain(self) -> None:
        while self.pending is not None:
            frame, self.pending = self.pending, None
            model = self.model
            if model is None:
                await self._send_json(type="error", message="Choose a style first.")
                continue
            try:
                styled = await asyncio.to_thread(webcam.stylize_jpeg, model, frame)
            except StylecoreError as error:
                await self._send_json(type="error", message=str(error))
                continue
            self.last = (styled, model)
            await self.send(bytes_data=styled)
            if self.recording is not None:
                await self._record_frame(styled, model, time.monotonic())

    async def _capture(self) -> None:
        if self.last is None:
            await self._send_json(type="error", message="No stylized frame to capture yet.")
            return
        jpeg, model = self.last
        try:
            result = await database_sync_to_async(self._store)(jpeg, model)
        except ValidationError as error:
            await self._send_json(type="error", message=" ".join(error.messages))
            return
        await self._send_json(type="captured", url=result.get_absolute_url(), title=result.title)

    async def _record(self, action: str) -> None:
        if action == "start":
            if self.recording is not None:
                await self._send_json(type="error", message="Already recording.", recording=True)
                return
            self.recording = webcam.Recording()
            await self._send_json(type="recording", max_seconds=studio_setting("WEBCAM_MAX_RECORD_SECONDS"))
        elif self.recording is None:
            await self._send_json(type="error", message="Not recording.", recording=False)
        else:
            await self._save_recording()

    async def _record_frame(self, styled: bytes, model: StyleModel, at: float) -> None:
        limit = studio_setting("WEBCAM_MAX_RECORD_SECONDS")
        if self.recording.elapsed() >= limit:
            await self._save_recording(message=f"The recording stopped at its limit of {limit:g} seconds.")
            return
        await self.recording.add(styled, model, at)

    async def _save_recording(self, *, message: str = "", notify: bool = True) -> None:
        """Finish the MP4 and keep it in the owner's results; `notify`: tell the page (not after it closed)."""
        recording, self.recording = self.recording, None
        if notify:
            await self._send_json(type="saving", message=message)
        try:
            recorded = await recording.finish()
        except VideoError as error:
            if notify:
                await self._send_json(type="error", message=str(error), recording=False)
            return
        try:
            result = await database_sync_to_async(self._store_recording)(recording, recorded)
        finally:
            recording.path.unlink(missing_ok=True)
        if notify:
            await self._send_json(
                type="recorded",
                url=result.get_absolute_url(),
                title=result.title,
                frames=recorded.frames,
                seconds=round(recorded.seconds, 1),
            )

    def _store_recording(self, recording: webcam.Recording, recorded: Recorded):  # noqa: ANN202
        return services.recording_create(
            owner=self.user, output=recording.path, record=recording.record(recorded), title=recording.title()
        )

    def _store(self, jpeg: bytes, model: StyleModel):  # noqa: ANN202
        return services.capture_create(
            owner=self.user, jpeg=jpeg, record=webcam.capture_record(model, jpeg), title=f"Webcam × {model.name}"
        )

    async def _send_json(self, **message: Any) -> None:
        await self.send(text_data=json.dumps(message))
