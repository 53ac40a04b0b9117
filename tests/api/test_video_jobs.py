"""A video job through the API goes through the video page's service: a Johnson model or Chen with one style
image; its progress is a job's like any other; mistakes come back in the error shape and queue nothing."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_johnson_model_queues_a_video_job(owner, owner_api, video_factory, style_model_factory) -> None:  # noqa: ANN001
    video, model = video_factory(owner), style_model_factory("johnson")
    options = {"model": model.pk, "height": 32, "end": 0.5, "stable": True}

    response = owner_api.post(f"/api/v1/videos/{video.pk}/jobs/", {"options": options})

    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["algorithm"], job["state"], job["content"], job["queue_position"]) == ("video", "queued", None, 1)
    assert job["options"]["video"] == video.pk and job["options"]["model"] == model.pk
    progress = owner_api.get(f"/api/v1/jobs/{job['id']}/").json()
    assert progress["state"] == "queued" and progress["options"] == job["options"]


def test_chen_takes_one_of_your_style_images(
    owner, owner_api, video_factory, upload_factory, style_model_factory
) -> None:  # noqa: ANN001
    video, decoder = video_factory(owner), style_model_factory("chen")
    style = upload_factory(owner, kind="style", name="style.png")
    response = owner_api.post(
        f"/api/v1/videos/{video.pk}/jobs/", {"style": style.pk, "options": {"decoder": decoder.pk}}
    )
    assert response.status_code == 201, response.content
    assert response.json()["styles"] == [{"id": style.pk, "weight": 1.0}]


@pytest.mark.parametrize(
    ("choice", "field"),
    [("no-model", "options.model"), ("unknown-model", "options.model"), ("bad-height", "options.height")],
)
def test_mistakes_are_400_and_queue_nothing(
    owner, owner_api, video_factory, style_model_factory, choice: str, field: str
) -> None:  # noqa: ANN001
    video = video_factory(owner)
    model = style_model_factory("johnson") if choice == "bad-height" else None
    options = {
        "no-model": {},
        "unknown-model": {"model": 987654},
        "bad-height": {"model": model and model.pk, "height": 3},
    }
    response = owner_api.post(f"/api/v1/videos/{video.pk}/jobs/", {"options": options[choice]})
    assert_error(response, 400, "invalid", field)
    assert not Job.objects.exists()


def test_someone_elses_video_or_style_is_not_found(owner, other_user, other_api, video_factory, upload_factory) -> None:  # noqa: ANN001
    video = video_factory(owner)
    assert_error(other_api.post(f"/api/v1/videos/{video.pk}/jobs/", {"options": {}}), 404, "not_found")
    own = video_factory(other_user)
    style = upload_factory(owner, kind="style", name="style.png")
    body = {"style": style.pk, "options": {"decoder": 1}}
    assert_error(other_api.post(f"/api/v1/videos/{own.pk}/jobs/", body), 400, "invalid", "styles.0.id")
    assert not Job.objects.exists()
