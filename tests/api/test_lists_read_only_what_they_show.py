"""The API's busiest lists read only what their items show (bench/README.md, "Load"): a job page reads its jobs'
styles and masks in one query each and their results' tokens, not the result rows; the queue only when one of
its jobs waits in it (counting the runs ahead of those, in one query); a result page its results without joining
their owner (the person asking)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gallery.studio.models import Job

pytestmark = pytest.mark.django_db


def listed(api, url: str) -> tuple[list[dict], list[str]]:  # noqa: ANN001
    """The list's items and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return response.json()["results"], [query["sql"] for query in captured]


def test_the_job_list_reads_the_queue_only_when_a_listed_job_waits(owner, owner_api, result_factory) -> None:  # noqa: ANN001
    done = result_factory(owner).job
    jobs, sql = listed(owner_api, "/api/v1/jobs/")
    assert [job["queue_position"] for job in jobs] == [None]
    assert not any("trainingrun" in query for query in sql)

    queued = Job.objects.create(owner=owner, algorithm="gatys", content=done.content, state=Job.State.QUEUED)
    jobs, sql = listed(owner_api, "/api/v1/jobs/")
    assert [(job["id"], job["queue_position"]) for job in jobs] == [(queued.pk, 1), (done.pk, None)]
    assert sum("trainingrun" in query for query in sql) == 1
    assert sum("COUNT(*)" in query and "trainingrun" in query for query in sql) == 1  # counted, not the whole queue


def test_the_job_list_reads_styles_and_masks_once_and_no_result_rows(owner, owner_api, result_factory) -> None:  # noqa: ANN001
    for _ in range(3):
        result_factory(owner)
    jobs, sql = listed(owner_api, "/api/v1/jobs/")
    assert len(jobs) == 3 and all(job["result"] and len(job["styles"]) == 1 for job in jobs)
    assert sum('FROM "studio_jobstyle"' in query for query in sql) == 1
    assert sum('FROM "studio_jobmask"' in query for query in sql) == 1
    page = next(query for query in sql if 'FROM "studio_job" ' in query and "LIMIT" in query)
    assert '"studio_result"."share_token"' in page
    assert '"studio_result"."params"' not in page and '"studio_job"."partial_record"' in page


def test_the_result_list_names_the_owner_without_joining_them(owner, owner_api, result_factory) -> None:  # noqa: ANN001
    result_factory(owner, title="Harbour")
    results, sql = listed(owner_api, "/api/v1/results/")
    assert [(result["title"], result["owner"], result["is_owner"]) for result in results] == [
        ("Harbour", owner.username, True)
    ]
    page = next(query for query in sql if 'FROM "studio_result"' in query and "LIMIT" in query)
    assert "auth_user" not in page
