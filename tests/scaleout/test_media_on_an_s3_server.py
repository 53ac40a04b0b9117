"""Media on an S3-protocol server over real HTTP (moto's standalone emulator): an upload, the job, its result and
the download all go through the storage API, and a worker with no local media folder at all completes the job."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse

from gallery.studio.models import Job, Result, Upload
from tests.conftest import Worker
from tests.studio.test_worker_runs_jobs import gatys_form, upload_through_the_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def bucket_object(name: str) -> bytes:
    """The object as the S3 server holds it, read with a client of its own (not the site's storage)."""
    import boto3  # requirements-scaleout.txt: not installed where these tests are skipped

    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"])
    return s3.get_object(Bucket=os.environ["AWS_STORAGE_BUCKET_NAME"], Key=name)["Body"].read()


def test_a_worker_without_a_local_media_folder_runs_a_job_on_s3_media(
    worker_factory: Callable[..., Worker],
    owner_client,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    no_media = tmp_path / "no-media-here"
    worker = worker_factory(MEDIA_ROOT=str(no_media))

    content = upload_through_the_form(owner_client, "content", "harbour.png")
    style = upload_through_the_form(owner_client, "style", "waves.png")
    upload = Upload.objects.get(pk=content)
    assert bucket_object(upload.image.name).startswith(b"\x89PNG")

    response = owner_client.post(reverse("studio:job_create"), gatys_form(content, style))
    assert response.status_code == 302, response.content.decode()[:2000]
    job = worker.wait_for(Job.objects.latest("id").pk, Job.FINISHED_STATES, timeout=120)
    assert job.state == Job.State.SUCCEEDED, job.message

    result = Result.objects.get(job=job)
    stored = bucket_object(result.image.name)
    assert stored.startswith(b"\x89PNG")
    downloaded = owner_client.get(reverse("studio:result_file", args=[result.share_token, "download"]))
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == stored
    assert not no_media.exists(), "the worker wrote to a local media folder"
