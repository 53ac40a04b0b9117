"""Masks through the API: an image of kind `mask` (checked when it arrives), `masks` on job create (one
per style, null for the rest), refused for batches; the job reports them; the schema documents them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.studio.models import Job
from tests.studio.test_region_masks import mask_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "scales": 1}


def test_a_mask_uploads_as_its_own_kind(owner_api, upload_image) -> None:  # noqa: ANN001
    mask = upload_image("mask", "harbour sky.png", mask_bytes())
    assert (mask["kind"], mask["title"]) == ("mask", "harbour sky")
    listed = owner_api.get("/api/v1/images/", {"kind": "mask"}).json()["results"]
    assert [image["id"] for image in listed] == [mask["id"]]


def test_an_all_black_mask_is_400_with_its_message(owner_api) -> None:  # noqa: ANN001
    file = SimpleUploadedFile("sky.png", mask_bytes(covered=False), content_type="image/png")
    response = owner_api.post("/api/v1/images/", {"file": file, "kind": "mask"}, format="multipart")
    error = assert_error(response, 400, "invalid", "file")
    assert "The mask covers nothing" in " ".join(error["fields"]["file"])


def test_a_job_takes_one_mask_per_style_and_reports_them(owner_api, upload_image) -> None:  # noqa: ANN001
    photo = upload_image("content")["id"]
    styles = [upload_image("style", name)["id"] for name in ("Candy.png", "Mosaic.png")]
    mask = upload_image("mask", "sky.png", mask_bytes())["id"]
    request = {
        "algorithm": "gatys",
        "content": photo,
        "styles": [{"id": style} for style in styles],
        "masks": [mask, None],
        "options": {**TINY, "unmasked": "style"},
    }
    created = owner_api.post("/api/v1/jobs/", request, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["masks"] == [mask, None] and created.json()["options"]["unmasked"] == "style"
    listed = owner_api.get("/api/v1/jobs/").json()["results"]
    assert listed[0]["masks"] == [mask, None]


def test_someone_elses_mask_is_refused_under_its_index(owner_api, other_api, upload_image) -> None:  # noqa: ANN001
    photo = upload_image("content")["id"]
    style = upload_image("style")["id"]
    file = SimpleUploadedFile("theirs.png", mask_bytes(), content_type="image/png")
    theirs = other_api.post("/api/v1/images/", {"file": file, "kind": "mask"}, format="multipart").json()["id"]
    request = {"algorithm": "gatys", "content": photo, "styles": [{"id": style}], "masks": [theirs], "options": TINY}
    assert_error(owner_api.post("/api/v1/jobs/", request, format="json"), 400, "invalid", "masks.0")
    assert not Job.objects.exists()


def test_a_batch_with_masks_is_400(owner_api, upload_image) -> None:  # noqa: ANN001
    photo = upload_image("content")["id"]
    style = upload_image("style")["id"]
    mask = upload_image("mask", "sky.png", mask_bytes())["id"]
    request = {"algorithm": "gatys", "photos": [photo], "styles": [style], "masks": [mask], "options": TINY}
    error = assert_error(owner_api.post("/api/v1/batches/", request, format="json"), 400, "invalid", "masks")
    assert "A batch cannot use masks" in error["fields"]["masks"][0]


def test_the_schema_documents_masks_with_an_example(anon_api) -> None:  # noqa: ANN001
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/api/v1/jobs/"]["post"]["requestBody"]["content"]["application/json"]
    assert "masks" in schema["components"]["schemas"]["JobCreateInputRequest"]["properties"]
    assert any("masks" in example["value"] for example in create["examples"].values())
    assert "mask" in schema["components"]["schemas"]["ImageKindEnum"]["enum"]
