"""A job stopped mid-run says whether its picture so far can be saved, and save-partial/ saves it once."""

from __future__ import annotations

import pytest

from gallery.studio import services
from gallery.studio.models import Job
from tests.helpers.stopped_jobs import stop_mid_run

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(owner, upload_factory) -> Job:  # noqa: ANN001
    return services.job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner, name="harbour.png"),
        styles=[(upload_factory(owner, kind="style", name="waves.png"), 1.0)],
        options={"size": 32, "steps": 10},
    )


def test_a_stopped_job_says_its_picture_can_be_saved_and_saving_gives_a_result(owner_api, job: Job) -> None:  # noqa: ANN001
    assert owner_api.get(f"/api/v1/jobs/{job.pk}/").json()["can_save_partial"] is False  # queued
    stop_mid_run(job, steps_done=3, size=(64, 48))
    body = owner_api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "cancelled" and body["can_save_partial"] is True
    assert owner_api.get(body["preview_url"])["Content-Type"] == "image/png"  # the picture at full size

    saved = owner_api.post(f"/api/v1/jobs/{job.pk}/save-partial/")
    assert saved.status_code == 200, saved.content
    result = saved.json()
    assert result["stopped"] is True and result["steps_done"] == 3 and (result["width"], result["height"]) == (64, 48)
    body = owner_api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["can_save_partial"] is False and body["result"] == result["token"]

    again = owner_api.post(f"/api/v1/jobs/{job.pk}/save-partial/")
    assert again.status_code == 200 and again.json()["token"] == result["token"]
    assert owner_api.get("/api/v1/results/").json()["count"] == 1


def test_saving_a_job_that_kept_no_picture_is_a_400(owner_api, job: Job) -> None:  # noqa: ANN001
    error = assert_error(owner_api.post(f"/api/v1/jobs/{job.pk}/save-partial/"), 400, "invalid")
    assert error["message"] == "This job kept no picture to save."
