"""A compare through the API: one photo through several algorithms (one job each, all or none), listed and
read with its jobs' states; bad input gets the error shape and queues nothing; others' groups are 404."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job
from gallery.stylemodels.models import CompareGroup

from .conftest import assert_error

pytestmark = pytest.mark.django_db

GATYS = {"size": 32, "steps": 2}


@pytest.fixture
def photo_and_style(owner, upload_factory) -> tuple:  # noqa: ANN001
    return upload_factory(owner, kind="content"), upload_factory(owner, kind="style", name="s.png")


def test_a_compare_queues_one_job_per_algorithm(owner_api, photo_and_style, style_model_factory) -> None:  # noqa: ANN001
    photo, style = photo_and_style
    model = style_model_factory("johnson")
    body = {
        "content": photo.pk,
        "style": style.pk,
        "algorithms": ["gatys", "johnson"],
        "options": {"gatys": GATYS, "johnson": {"model": model.pk, "size": 32}},
    }

    response = owner_api.post("/api/v1/compare/", body)

    assert response.status_code == 201, response.content
    group = response.json()
    assert (group["content"], group["style"]) == (photo.pk, style.pk)
    jobs = {job["algorithm"]: job for job in group["jobs"]}
    assert set(jobs) == {"gatys", "johnson"} and all(job["state"] == "queued" for job in jobs.values())
    assert jobs["gatys"]["styles"] == [{"id": style.pk, "weight": 1.0}] and jobs["johnson"]["styles"] == []
    assert jobs["johnson"]["options"]["model"] == model.pk
    assert group["page_url"].endswith(f"/compare/{group['id']}/")

    listed = owner_api.get("/api/v1/compare/").json()
    assert listed["count"] == 1 and [j["id"] for j in listed["results"][0]["jobs"]] == [j["id"] for j in group["jobs"]]
    Job.objects.filter(pk=jobs["gatys"]["id"]).update(state=Job.State.FAILED, message="Out of memory.")
    read = owner_api.get(f"/api/v1/compare/{group['id']}/").json()
    assert [(j["algorithm"], j["state"], j["message"]) for j in read["jobs"]] == [
        ("gatys", "failed", "Out of memory."),
        ("johnson", "queued", ""),
    ]


@pytest.mark.parametrize(
    ("mistake", "field"),
    [
        ({"algorithms": ["johnson"], "options": {"johnson": {"model": 987654}}}, "johnson.model"),
        ({"algorithms": ["gatys", "denoise"]}, "algorithms"),
        ({"algorithms": []}, "algorithms"),
        ({"algorithms": ["gatys"] * 11}, "algorithms"),
        ({"algorithms": ["gatys"], "options": {"gatys": {"steps": -4}}}, "gatys.steps"),
        ({"algorithms": ["gatys"], "content": 987654}, "content"),
    ],
    ids=["unknown-style-model", "not-comparable", "none", "too-many", "bad-option", "not-your-photo"],
)
def test_bad_input_is_400_and_queues_nothing(owner_api, photo_and_style, mistake: dict, field: str) -> None:  # noqa: ANN001
    photo, style = photo_and_style
    body = {"content": photo.pk, "style": style.pk, "options": {"gatys": GATYS}} | mistake
    assert_error(owner_api.post("/api/v1/compare/", body), 400, "invalid", field)
    assert not CompareGroup.objects.exists() and not Job.objects.exists()


def test_someone_elses_compare_is_404_and_not_listed(owner, other_api, owner_api, photo_and_style) -> None:  # noqa: ANN001
    photo, style = photo_and_style
    body = {"content": photo.pk, "style": style.pk, "algorithms": ["gatys"], "options": {"gatys": GATYS}}
    group = owner_api.post("/api/v1/compare/", body).json()

    assert_error(other_api.get(f"/api/v1/compare/{group['id']}/"), 404, "not_found")
    assert other_api.get("/api/v1/compare/").json()["count"] == 0
    body_with_their_photo = {**body, "options": {"gatys": GATYS}}
    assert_error(other_api.post("/api/v1/compare/", body_with_their_photo), 400, "invalid", "content")
    assert CompareGroup.objects.count() == 1
