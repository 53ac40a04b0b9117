"""Every list page and API list answers in a fixed number of SQL queries, however many items it shows: each is
measured with 3 items and again with 30, and must not need more for 30 (an N+1 query adds one per item)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.studio import services
from gallery.studio.models import Batch, Job, Visibility
from tests.api.conftest import api_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/studio/",
    "/gallery/",
    "/uploads/",
    "/jobs/",
    "/batches/",
    "/results/",
    "/albums/",
    "/videos/",
    "/classroom/",
]
API_LISTS = [
    "/api/v1/jobs/",
    "/api/v1/batches/",
    "/api/v1/images/",
    "/api/v1/results/",
    "/api/v1/albums/",
    "/api/v1/style-models/",
]


@pytest.fixture
def add_items(owner, result_factory) -> Callable[[int], None]:  # noqa: ANN001
    """n more of everything a list shows: public results (with their finished jobs and uploads), a queued job
    each, albums holding a result each."""

    def add(n: int) -> None:
        for i in range(n):
            result = result_factory(owner, visibility=Visibility.PUBLIC, title=f"Result {i}")
            Job.objects.create(owner=owner, algorithm="gatys", content=result.job.content, state=Job.State.QUEUED)
            album = services.album_create(owner=owner, title=f"Album {i}", visibility=Visibility.PUBLIC)
            services.album_add_result(album=album, result=result, by=owner)
            batch = Batch.objects.create(owner=owner, name=f"Batch {i}", algorithm="gatys")
            Job.objects.filter(pk=result.job_id).update(batch=batch)

    return add


def queries(client: Client, url: str) -> int:
    client.get(url)  # first use fills per-process caches (content types, settings)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts(client: Client, url: str, add_items: Callable[[int], None]) -> tuple[int, int]:
    add_items(3)
    few = queries(client, url)
    add_items(27)
    return few, queries(client, url)


@pytest.mark.parametrize("url", PAGES)
def test_a_page_needs_no_more_queries_for_more_items(owner, add_items, url: str) -> None:  # noqa: ANN001
    few, many = counts(client_for(owner), url, add_items)
    assert many <= few, f"{url}: {few} queries with 3 items, {many} with 30"


@pytest.mark.parametrize("url", API_LISTS)
def test_an_api_list_needs_no_more_queries_for_more_items(owner, add_items, url: str) -> None:  # noqa: ANN001
    few, many = counts(api_for(owner), url, add_items)
    assert many <= few, f"{url}: {few} queries with 3 items, {many} with 30"


@pytest.fixture
def add_videos_compares_and_runs(owner, staff_user) -> Callable[[int], None]:  # noqa: ANN001
    """n more videos (rows only: the list reads no files), compare groups of two queued jobs, training runs."""
    from gallery.stylemodels.models import CompareGroup, TrainingRun
    from gallery.video.models import Video

    def add(n: int) -> None:
        for i in range(n):
            Video.objects.create(owner=owner, title=f"Clip {i}", file=f"{owner.pk}/videos/{i}.mp4", container="mov",
                                 width=64, height=48, frames=8, fps="12", duration=0.7, video_codec="h264",
                                 size_bytes=1000)  # fmt: skip
            group = CompareGroup.objects.create(owner=owner)
            group.jobs.add(*(Job.objects.create(owner=owner, algorithm=name) for name in ("gatys", "johnson")))
            TrainingRun.objects.create(name=f"Run {i}", created_by=staff_user)

    return add


@pytest.mark.parametrize("url", ["/api/v1/videos/", "/api/v1/compare/", "/api/v1/training-runs/"])
def test_the_video_compare_and_training_lists_need_no_more_queries_for_more_items(
    owner, staff_user, add_videos_compares_and_runs, url: str
) -> None:  # noqa: ANN001
    client = api_for(staff_user if "training" in url else owner)
    few, many = counts(client, url, add_videos_compares_and_runs)
    assert many <= few, f"{url}: {few} queries with 3 items, {many} with 30"


def test_the_job_pages_poll_reads_no_more_than_it_shows(owner, add_items) -> None:  # noqa: ANN001
    add_items(3)
    job = Job.objects.filter(owner=owner, state=Job.State.QUEUED).first()
    # the session, the user, the job with its result, its queue position (one count of every run type's queue):
    # not its photo or styles, nor the whole queue
    assert queries(client_for(owner), f"/jobs/{job.pk}/progress.json") == 4
