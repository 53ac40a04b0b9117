"""Batches through the API: create every pair, read every cell in one answer, cancel, zip; others get 404."""

from __future__ import annotations

import io
import zipfile

import pytest

from gallery.studio.models import Batch, Job

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "optimizer": "adam", "scales": 1}


@pytest.fixture
def body(upload_image) -> dict:  # noqa: ANN001
    photos = [upload_image("content", name)["id"] for name in ("harbour.png", "beach.png")]
    styles = [upload_image("style", name)["id"] for name in ("Candy.png", "Mosaic.png", "Wave.png")]
    return {"algorithm": "gatys", "photos": photos, "styles": styles, "options": TINY}


def test_a_batch_queues_every_pair_and_answers_every_cell(owner_api, body) -> None:  # noqa: ANN001
    response = owner_api.post("/api/v1/batches/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["total"] == 6 and data["columns"] == 3 and data["done"] == 0 and not data["finished"]
    assert [cell["title"] for cell in data["cells"][:3]] == ["harbour × Candy", "harbour × Mosaic", "harbour × Wave"]
    assert [cell["queue_position"] for cell in data["cells"]] == [1, 2, 3, 4, 5, 6]
    assert data["download_url"].endswith(f"/api/v1/batches/{data['id']}/download/")
    assert owner_api.get(f"/api/v1/batches/{data['id']}/").json()["cells"] == data["cells"]
    assert owner_api.get("/api/v1/batches/").json()["results"][0]["id"] == data["id"]


def test_a_refused_batch_names_the_field_and_writes_nothing(owner_api, body) -> None:  # noqa: ANN001
    response = owner_api.post("/api/v1/batches/", {**body, "photos": [*body["photos"], 999]}, format="json")
    assert response.status_code == 400 and "photos.2" in response.json()["error"]["fields"]
    response = owner_api.post("/api/v1/batches/", {**body, "options": {"size": "big"}}, format="json")
    assert response.status_code == 400 and "options.size" in response.json()["error"]["fields"]
    assert not Job.objects.exists() and not Batch.objects.exists()


def test_cancel_and_the_zip_are_the_owners_only(owner_api, other_api, body) -> None:  # noqa: ANN001
    batch_id = owner_api.post("/api/v1/batches/", body, format="json").json()["id"]
    for path in ("", "download/"):
        assert other_api.get(f"/api/v1/batches/{batch_id}/{path}").status_code == 404
    assert other_api.post(f"/api/v1/batches/{batch_id}/cancel/").status_code == 404
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 6
    cancelled = owner_api.post(f"/api/v1/batches/{batch_id}/cancel/").json()
    assert cancelled["finished"] and {cell["state"] for cell in cancelled["cells"]} == {"cancelled"}
    response = owner_api.get(f"/api/v1/batches/{batch_id}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == []  # nothing was made


def test_the_schema_documents_the_batch_endpoints_with_examples(anon_api) -> None:  # noqa: ANN001
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/batches/", "/api/v1/batches/{id}/", "/api/v1/batches/{id}/cancel/"):
        assert path in schema["paths"], path
    create = schema["paths"]["/api/v1/batches/"]["post"]
    assert "examples" in create["requestBody"]["content"]["application/json"]
    assert "application/zip" in schema["paths"]["/api/v1/batches/{id}/download/"]["get"]["responses"]["200"]["content"]
