"""The video page's form makes a studio job (algorithm "video"): a Johnson model, or Chen with one
style image; mistakes come back on the form and queue nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.studio.algorithms import algorithm_choices
from gallery.studio.models import Job

pytestmark = pytest.mark.django_db


def post(client, video, **data):  # noqa: ANN001, ANN003, ANN201
    return client.post(reverse("video:video_detail", args=[video.pk]), {"start": "0", **data})


def test_a_johnson_model_queues_a_video_job(owner, owner_client, video_factory, style_model_factory) -> None:  # noqa: ANN001
    video, model = video_factory(owner), style_model_factory("johnson")
    response = post(owner_client, video, model=model.pk, height="32", end="0.5", stable="on")
    job = Job.objects.get(owner=owner)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.algorithm, job.content) == ("video", None)
    assert job.options == {"video": video.pk, "model": model.pk, "decoder": None, "height": 32, "start": 0.0,
                           "end": 0.5, "stable": True, "strength": 1.0, "preserve_colors": False}  # fmt: skip


def test_chen_takes_the_chosen_style_image(
    owner, owner_client, video_factory, upload_factory, style_model_factory
) -> None:  # noqa: ANN001
    video, decoder = video_factory(owner), style_model_factory("chen")
    style = upload_factory(owner, kind="style", name="style.png")
    assert post(owner_client, video, decoder=decoder.pk, style=style.pk).status_code == 302
    job = Job.objects.get(owner=owner)
    assert [s.upload for s in job.job_styles.all()] == [style]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("none", "Choose a Johnson style model, or a Chen decoder"),
        ("both", "Choose a Johnson style model, or a Chen decoder"),
        ("chen-without-style", "Chen needs exactly one style image."),
        ("bad-height", "must be between 16 and"),
    ],
)
def test_mistakes_come_back_on_the_form(
    owner, owner_client, video_factory, style_model_factory, choice, message
) -> None:  # noqa: ANN001
    video, model, decoder = video_factory(owner), style_model_factory("johnson"), style_model_factory("chen")
    data = {
        "none": {},
        "both": {"model": model.pk, "decoder": decoder.pk},
        "chen-without-style": {"decoder": decoder.pk},
        "bad-height": {"model": model.pk, "height": "4"},
    }[choice]
    response = post(owner_client, video, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()


def test_video_is_not_offered_on_the_photo_job_form(owner_client) -> None:  # noqa: ANN001
    assert "video" not in dict(algorithm_choices())
    assert 'value="video"' not in owner_client.get(reverse("studio:job_create")).content.decode()
