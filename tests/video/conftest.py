"""Short clips made with PyAV, videos uploaded through the service, tiny Johnson models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers.video import synthetic_clip
from tests.stylemodels.conftest import style_model_factory  # noqa: F401  a fixture used here


def clip_bytes(tmp_path: Path, name: str = "clip.mp4", **kwargs: object) -> bytes:
    """A few frames of a tiny clip (see tests.helpers.video.synthetic_clip), as file bytes."""
    return synthetic_clip(tmp_path / name, **kwargs).read_bytes()


def as_video(name: str, data: bytes, content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def video_factory(tmp_path: Path) -> Callable[..., object]:
    """make(owner, frames=8, size=(64, 48), audio="aac", name="clip.mp4") -> Video (through the service)."""
    from gallery.video import services

    def make(owner, *, name: str = "clip.mp4", **clip: object):  # noqa: ANN001, ANN202
        clip = {"frames": 8, "size": (64, 48), **clip}
        return services.video_create(owner=owner, file=as_video(name, clip_bytes(tmp_path, name, **clip)))

    return make


@pytest.fixture
def video_result_factory(video_factory, tmp_path: Path) -> Callable[..., object]:  # noqa: ANN001
    """make(owner, visibility="private") -> Result of a finished video job, made without the worker
    (the "stylized" MP4 is just another clip)."""
    from gallery.studio.models import Job
    from gallery.video import services
    from stylecore.record import RunRecord

    def make(owner, *, visibility: str = "private"):  # noqa: ANN001, ANN202
        video = video_factory(owner)
        job = Job.objects.create(owner=owner, algorithm="video", options={"video": video.pk}, state=Job.State.SUCCEEDED)
        output = synthetic_clip(tmp_path / f"out-{job.pk}.mp4", frames=8, size=(64, 48), seed=1)
        record = RunRecord(algorithm="video:johnson", params={"fps": "12", "audio": "copied (aac)"}, steps_done=8)
        result = services.video_result_create(job=job, output=output, record=record)
        result.visibility = visibility
        result.save(update_fields=["visibility"])
        return result

    return make
