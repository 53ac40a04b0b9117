"""One failed heartbeat write ("database is locked") must not end the heartbeat: a later long step
would then read as a dead worker and fail a healthy job. The heartbeat logs it and beats again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from gallery.core import runs
from gallery.studio.models import Job

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection


def test_the_heartbeat_beats_again_after_a_locked_database(
    owner, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):  # noqa: ANN001
    long_ago = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(owner=owner, algorithm="gatys", state=Job.State.RUNNING, heartbeat_at=long_ago)
    beats: list[str] = []
    touch = runs.Heartbeat._touch

    def locked_once(heartbeat: runs.Heartbeat) -> None:
        beats.append("locked" if not beats else "beat")
        if len(beats) == 1:
            raise OperationalError("database is locked")
        touch(heartbeat)

    monkeypatch.setattr(runs.Heartbeat, "_touch", locked_once)
    with runs.Heartbeat(job, interval=0.05):
        deadline = time.monotonic() + 10
        while len(beats) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)

    assert beats[:3] == ["locked", "beat", "beat"]
    job.refresh_from_db()
    assert job.heartbeat_at > long_ago + timedelta(minutes=59)
    assert "missed a beat, trying again" in caplog.text and "database is locked" in caplog.text
