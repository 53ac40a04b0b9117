"""Another user's videos answer 404 (never 403) on every operation, are not listed, and stay as they were."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job
from gallery.video.models import Video

from .conftest import assert_error

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("get", "/api/v1/videos/{video}/"),
    ("delete", "/api/v1/videos/{video}/"),
    ("get", "/api/v1/videos/{video}/file/"),
    ("get", "/api/v1/videos/{video}/poster/"),
    ("post", "/api/v1/videos/{video}/jobs/"),
]


@pytest.fixture
def video(owner, video_factory) -> Video:  # noqa: ANN001
    return video_factory(owner)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_someone_elses_video_is_404(other_api, video, method: str, path: str) -> None:  # noqa: ANN001
    assert_error(getattr(other_api, method)(path.format(video=video.pk), {"options": {}}), 404, "not_found")
    assert Video.objects.filter(pk=video.pk).exists() and not Job.objects.exists()


def test_someone_elses_videos_are_not_listed(other_api, owner_api, video) -> None:  # noqa: ANN001
    assert other_api.get("/api/v1/videos/").json()["count"] == 0
    assert owner_api.get("/api/v1/videos/").json()["count"] == 1
