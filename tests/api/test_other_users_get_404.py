"""Another user's objects answer 404 (never 403) and stay as they were."""

from __future__ import annotations

import pytest

from gallery.studio.models import Album, Job, Result, Upload

from .conftest import OBJECT_ENDPOINTS, assert_error, call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in OBJECT_ENDPOINTS])
def test_it_answers_404_for_someone_elses_object(other_api, owned, method, path, body) -> None:  # noqa: ANN001
    assert_error(call(other_api, method, path, body, owned), 404, "not_found")

    assert Upload.objects.filter(pk=owned["upload"]).exists()
    job = Job.objects.get(pk=owned["job"])
    assert job.state == Job.State.QUEUED and not job.cancel_requested
    result = Result.objects.get(share_token=owned["result"])
    assert result.visibility == "private"
    album = Album.objects.get(share_token=owned["album"])
    assert album.title == "Holiday" and album.results.filter(pk=result.pk).exists()


@pytest.mark.parametrize("path", ["/api/v1/images/", "/api/v1/jobs/", "/api/v1/results/", "/api/v1/albums/"])
def test_lists_show_none_of_someone_elses_objects(other_api, owner_api, owned, path) -> None:  # noqa: ANN001
    assert other_api.get(path).json()["count"] == 0
    assert owner_api.get(path).json()["count"] > 0


def test_someone_elses_shared_result_can_be_seen_but_not_changed(other_api, result_factory, owner) -> None:  # noqa: ANN001
    result = result_factory(owner, visibility="unlisted")
    seen = other_api.get(f"/api/v1/results/{result.share_token}/")
    assert seen.status_code == 200 and seen.json()["is_owner"] is False
    assert other_api.get(f"/api/v1/results/{result.share_token}/download/").status_code == 200

    assert_error(other_api.patch(f"/api/v1/results/{result.share_token}/", {"title": "x"}), 404, "not_found")
    assert_error(other_api.delete(f"/api/v1/results/{result.share_token}/"), 404, "not_found")
    result.refresh_from_db()
    assert result.title == "A result"


def test_someone_elses_result_cannot_go_into_my_album(other_api, owned) -> None:  # noqa: ANN001
    mine = other_api.post("/api/v1/albums/", {"title": "Mine"}).json()
    response = other_api.post(f"/api/v1/albums/{mine['token']}/results/", {"result": owned["result"]})
    assert_error(response, 400, "invalid", "result")
    assert not Album.objects.get(share_token=mine["token"]).results.exists()
