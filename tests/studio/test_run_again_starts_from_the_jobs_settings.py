"""A failed or cancelled job has "Run again…": the job form opens with its algorithm, images, weights and options."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gallery.studio.models import Job
from gallery.studio.services import job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_job(owner, upload_factory) -> Job:  # noqa: ANN001
    photo, style = upload_factory(owner), upload_factory(owner, kind="style", name="waves.png")
    job = job_create(
        owner=owner, algorithm="gatys", content=photo, styles=[(style, 2.5)], options={"size": 40, "steps": 7}
    )
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message="The worker stopped.")
    return job


def test_the_failed_jobs_page_offers_run_again(failed_job: Job, owner_client: Client) -> None:
    page = owner_client.get(failed_job.get_absolute_url()).content.decode()
    assert f'href="/jobs/new/?again={failed_job.pk}">Run again…' in page


def test_run_again_fills_the_form_with_the_jobs_settings(failed_job: Job, owner_client: Client) -> None:
    page = owner_client.get(f"/jobs/new/?again={failed_job.pk}").content.decode()
    style = failed_job.job_styles.get()
    assert re.search(rf'<input [^>]*name="content" value="{failed_job.content_id}"[^>]*checked>', page)
    assert re.search(rf'<input [^>]*name="style" value="{style.upload_id}"[^>]*checked>', page)
    assert f'name="weight_{style.upload_id}" value="2.5"' in page
    assert 'name="gatys-size" value="40"' in page and 'name="gatys-steps" value="7"' in page


def test_someone_elses_job_cannot_be_run_again(failed_job: Job, other_client: Client) -> None:
    assert other_client.get(f"/jobs/new/?again={failed_job.pk}").status_code == 404
