"""Staff run trainings through the API as in the admin: start (multipart), follow the progress, cancel,
resume, delete; bad settings are 400 and keep nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.core.runs import RunState
from gallery.stylemodels.models import TrainingRun
from tests.stylemodels.conftest import photo, png_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def start(api, folder, **fields):  # noqa: ANN001, ANN003, ANN201
    style = SimpleUploadedFile("waves.png", png_bytes(photo(48, seed=7)), content_type="image/png")
    data = {"name": "Tiny waves", "kind": "johnson", "steps": 3, "size": 32, "batch": 2, "checkpoint_every": 1}
    data |= {"photo_folder": str(folder), "style_image": style} | fields
    return api.post("/api/v1/training-runs/", data, format="multipart")


def test_a_run_is_started_followed_cancelled_resumed_and_deleted(
    staff_api, staff_user, photo_folder, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    response = start(staff_api, photo_folder)

    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["name"], run["state"], run["total"], run["created_by"]) == ("Tiny waves", "queued", 3, "stella")
    assert TrainingRun.objects.get(pk=run["id"]).style_image.name.startswith("models/styles/")
    listed = staff_api.get("/api/v1/training-runs/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == run["id"]
    TrainingRun.objects.filter(pk=run["id"]).update(state=RunState.RUNNING, step=2, checkpoint_step=1)
    read = staff_api.get(f"/api/v1/training-runs/{run['id']}/").json()
    assert (read["state"], read["step"], read["percent"], read["checkpoint_step"]) == ("running", 2, 67, 1)
    assert_error(staff_api.delete(f"/api/v1/training-runs/{run['id']}/"), 400, "invalid", "state")

    cancelled = staff_api.post(f"/api/v1/training-runs/{run['id']}/cancel/").json()
    assert cancelled["cancel_requested"] is True and cancelled["state"] == "running"  # the worker stops it
    TrainingRun.objects.filter(pk=run["id"]).update(state=RunState.CANCELLED)
    resumed = staff_api.post(f"/api/v1/training-runs/{run['id']}/resume/", {"steps": 6})
    assert resumed.status_code == 200, resumed.content
    assert (resumed.json()["state"], resumed.json()["total"]) == ("queued", 6)
    assert_error(staff_api.post(f"/api/v1/training-runs/{run['id']}/resume/"), 400, "invalid", "state")

    staff_api.post(f"/api/v1/training-runs/{run['id']}/cancel/")
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_api.delete(f"/api/v1/training-runs/{run['id']}/").status_code == 204
    assert not TrainingRun.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"style_image": ""}, "style_image"),
        ({"style_image": SimpleUploadedFile("waves.png", b"not a picture", content_type="image/png")}, "style_image"),
        ({"photo_folder": "/no/such/folder"}, "photo_folder"),
        ({"size": 3}, "size"),
        ({"steps": 0}, "steps"),
        ({"kind": "picasso"}, "kind"),
    ],
    ids=["johnson-without-style", "style-not-an-image", "no-photos", "size-out-of-range", "no-steps", "unknown-kind"],
)
def test_bad_settings_are_400_and_keep_nothing(staff_api, photo_folder, fields: dict, field: str) -> None:  # noqa: ANN001
    assert_error(start(staff_api, photo_folder, **fields), 400, "invalid", field)
    assert not TrainingRun.objects.exists()


def test_a_zip_of_photos_can_stand_for_the_folder(staff_api) -> None:  # noqa: ANN001
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for index in range(4):
            zipped.writestr(f"p{index}.png", png_bytes(photo(seed=index)))
    photos = SimpleUploadedFile("photos.zip", archive.getvalue(), content_type="application/zip")

    response = start(staff_api, "", photos_zip=photos)

    assert response.status_code == 201, response.content
    run = TrainingRun.objects.get(pk=response.json()["id"])
    assert run.photo_folder == "" and run.photos_zip.name.startswith("models/training-zips/")
