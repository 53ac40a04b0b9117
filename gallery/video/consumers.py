"""The webcam socket: JPEG frames in, stylized JPEG frames out; text messages pick the style
and capture the current frame into the gallery.

Frames are dropped while the network is busy: only the latest frame that arrived meanwhile is
processed next, so a slow server lowers the frame rate instead of building a backlog.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError

from gallery.stylemodels.models import Kind, StyleModel
from gallery.stylemodels.selectors import style_models_enabled
from stylecore import live
from stylecore.errors import StylecoreError

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
        await self.accept()
        await self._send_json(type="ready", width=live.frame_width(), gpu=live.has_gpu())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "worker", None) is not None:
            self.worker.cancel()

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

    def _store(self, jpeg: bytes, model: StyleModel):  # noqa: ANN202
        return services.capture_create(
            owner=self.user, jpeg=jpeg, record=webcam.capture_record(model, jpeg), title=f"Webcam × {model.name}"
        )

    async def _send_json(self, **message: Any) -> None:
        await self.send(text_data=json.dumps(message))
