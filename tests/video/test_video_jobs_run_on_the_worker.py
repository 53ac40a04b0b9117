"""A video job goes through the real worker: playable H.264 MP4, same frames and rate, sound kept,
shown in a <video> on the result page; and it can be cancelled mid-video."""

from __future__ import annotations

import time
from fractions import Fraction

import av
import pytest
from django.urls import reverse

from gallery.studio.models import Job
from gallery.video import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def reopen(path: str) -> tuple[int, Fraction, str, bool]:
    """(decoded frames, frame rate, video codec, has an audio stream) of an MP4."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return frames, stream.average_rate, stream.codec_context.name, bool(container.streams.audio)


@pytest.mark.parametrize("audio", ["aac", None])
def test_a_video_job_makes_a_playable_mp4_with_the_same_frames_rate_and_sound(
    worker,
    owner,
    owner_client,
    video_factory,
    style_model_factory,
    audio,  # noqa: ANN001
) -> None:
    video = video_factory(owner, frames=8, size=(64, 48), fps=12, audio=audio)
    model = style_model_factory("johnson")
    job = services.video_job_create(owner=owner, video=video, options={"model": model.pk})

    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=180)
    assert job.state == Job.State.SUCCEEDED, job.message
    stored = job.result.video
    frames, rate, codec, has_audio = reopen(stored.file.path)
    assert (frames, rate, codec) == (8, Fraction(12), "h264")
    assert has_audio is (audio is not None) is stored.has_audio
    assert (job.step, job.total) == (8, 8)

    job_page = owner_client.get(job.get_absolute_url())
    assert job_page.status_code == 200 and "Video (Johnson or Chen" in job_page.content.decode()
    page = owner_client.get(job.result.get_absolute_url()).content.decode()
    assert reverse("video:result_video", args=[job.result.share_token, "stylized"]) in page
    assert "<video" in page and reverse("video:result_video", args=[job.result.share_token, "original"]) in page


def test_a_running_video_job_can_be_cancelled(worker, owner, video_factory, style_model_factory) -> None:  # noqa: ANN001
    video = video_factory(owner, frames=400, size=(128, 96), fps=25, audio=None)
    model = style_model_factory("johnson")
    job = services.video_job_create(owner=owner, video=video, options={"model": model.pk})

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == Job.State.RUNNING and job.step > 0 or job.is_finished:
            break
        time.sleep(0.1)
    assert job.state == Job.State.RUNNING and 0 < job.step < 400, (job.state, job.step)
    services.studio.job_cancel(job=job, by=owner)

    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=60)
    assert job.state == Job.State.CANCELLED
    assert not hasattr(job, "result") or job.result is None


def test_chen_stylizes_a_video_with_the_chosen_style_image(
    worker,
    owner,
    video_factory,
    upload_factory,
    style_model_factory,  # noqa: ANN001
) -> None:
    video = video_factory(owner, frames=4, size=(64, 48), fps=12, audio=None)
    style = upload_factory(owner, kind="style", name="style.png", size=(48, 48))
    decoder = style_model_factory("chen")
    job = services.video_job_create(owner=owner, video=video, style=style, options={"decoder": decoder.pk})

    job = worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=180)
    assert job.state == Job.State.SUCCEEDED, job.message
    assert reopen(job.result.video.file.path)[:2] == (4, Fraction(12))
    assert job.result.algorithm == "video:chen" and job.result.params["decoder"] == decoder.name
