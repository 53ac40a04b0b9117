"""Jobs created through the API run on a real worker; the example client works against a live server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest
from PIL import Image

from gallery.studio.models import Job
from stylecore.images import read_record
from tests.conftest import PASSWORD, ROOT, image_bytes
from tests.studio.test_region_masks import mask_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

TINY = {"size": 32, "steps": 3, "optimizer": "adam", "scales": 1, "seed": 1}


def run_client(folder, live_server, owner, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    """examples/client.py in `folder` against the live server, signed in as `owner`, with the TINY options."""
    options = [arg for name, value in TINY.items() for arg in ("--option", f"{name}={value}")]
    command = [sys.executable, str(ROOT / "examples" / "client.py"), *args, "--url", live_server.url]
    command += ["--username", owner.username, "--poll", "0.3", *options]
    env = {**os.environ, "GALLERY_PASSWORD": PASSWORD}
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=200)


def test_a_job_created_through_the_api_completes_and_its_result_downloads(worker, owner_api, upload_image) -> None:  # noqa: ANN001
    content = upload_image("content")["id"]
    style = upload_image("style", "waves.png")["id"]
    request = {"algorithm": "gatys", "content": content, "styles": [{"id": style, "weight": 1}], "options": TINY}
    created = owner_api.post("/api/v1/jobs/", request, format="json")
    assert created.status_code == 201, created.content

    worker.wait_for(created.json()["id"], Job.FINISHED_STATES, timeout=120)
    job = owner_api.get(f"/api/v1/jobs/{created.json()['id']}/").json()
    assert job["state"] == "succeeded", job["message"]
    assert (job["step"], job["total"], job["percent"]) == (3, 3, 100) and job["losses"]
    assert owner_api.get(job["preview_url"]).status_code == 200

    result = owner_api.get(job["result_url"]).json()
    assert result["random_weights"] is True and result["steps_done"] == 3
    download = owner_api.get(result["download_url"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert Image.open(io.BytesIO(data)).size == (32, 32)
    assert read_record(io.BytesIO(data))["algorithm"] == "gatys"


def test_the_example_client_runs_a_job_against_a_live_server(worker, live_server, owner, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "photo.png").write_bytes(image_bytes((40, 32)))
    (tmp_path / "style.png").write_bytes(image_bytes((32, 32), format="JPEG"))
    run = run_client(tmp_path, live_server, owner, "photo.png", "style.png", "--output", "out.png")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "job" in run.stdout and "succeeded" in run.stdout and "saved out.png" in run.stdout
    assert max(Image.open(tmp_path / "out.png").size) == 32


def test_the_example_client_runs_a_batch_on_the_worker_and_saves_its_zip(worker, live_server, owner, tmp_path) -> None:  # noqa: ANN001
    for folder, names in {"photos": ("harbour.png", "beach.png"), "styles": ("Candy.png", "Mosaic.png")}.items():
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_bytes(image_bytes((32, 32)))
    run = run_client(tmp_path, live_server, owner, "--batch", "photos", "styles")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 pictures queued" in run.stdout and "saved results.zip (4 of 4 pictures" in run.stdout
    names = sorted(zipfile.ZipFile(tmp_path / "results.zip").namelist())
    assert names == sorted(
        f"{photo} × {style}.{ext}"
        for photo in ("harbour", "beach")
        for style in ("Candy", "Mosaic")
        for ext in ("json", "png")
    )


def test_the_example_client_sends_a_mask_and_the_job_runs_with_it(worker, live_server, owner, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "photo.png").write_bytes(image_bytes((40, 32)))
    (tmp_path / "style.png").write_bytes(image_bytes((32, 32)))
    (tmp_path / "harbour-sky.png").write_bytes(mask_bytes((20, 16)))  # any size: it is resized to the photo
    run = run_client(tmp_path, live_server, owner, "photo.png", "style.png", "--mask", "harbour-sky.png")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "uploaded harbour-sky.png as mask image" in run.stdout and "saved result.png" in run.stdout
    job = Job.objects.get()
    assert job.job_masks.get().upload.title == "harbour sky"
    assert job.result.params["masks"] == ["harbour sky.png"] and job.result.params["unmasked"] == "photo"
