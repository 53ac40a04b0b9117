"""A batch of fast styles (Johnson): every photo through each of several trained models, one column per
model, named after the models; through the service, the job page and the API alike, within the batch limit."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gallery.studio import selectors, services
from gallery.studio.models import Batch, Job
from gallery.stylemodels.models import Kind, StyleModel
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db


def fast_style(name: str, *, enabled: bool = True) -> StyleModel:
    """A Johnson model's row (no job runs here: its file is never read)."""
    slug = name.lower()
    model = StyleModel(name=name, slug=slug, kind=Kind.JOHNSON, enabled=enabled, source=StyleModel.Source.UPLOADED)
    model.file.name = f"models/johnson/{slug}.safetensors"
    model.save()
    return model


@pytest.fixture
def photos(owner, upload_factory):  # noqa: ANN001, ANN201
    return [upload_factory(owner, name="harbour.png"), upload_factory(owner, name="beach.png")]


@pytest.fixture
def models() -> list[StyleModel]:
    return [fast_style("Candy"), fast_style("Mosaic"), fast_style("Udnie")]


def test_every_photo_goes_through_every_model_in_its_own_column(owner, photos, models):  # noqa: ANN001
    batch = services.batch_create(owner=owner, algorithm="johnson", photos=photos, models=[m.pk for m in models])
    progress = selectors.batch_progress(batch)
    assert batch.name == "2 photos × Candy, Mosaic, Udnie" and batch.columns == 3
    rows = selectors.batch_rows(progress)
    assert [[cell["style"] for cell in row] for row in rows] == [["Candy", "Mosaic", "Udnie"]] * 2
    assert [cell["title"] for cell in rows[1]] == ["beach × Candy", "beach × Mosaic", "beach × Udnie"]
    jobs = list(batch.jobs.order_by("id"))
    assert [job.options["model"] for job in jobs] == [m.pk for m in models] * 2
    assert all(not job.job_styles.exists() for job in jobs)


def test_one_model_from_the_options_still_makes_one_column(owner, photos, models):  # noqa: ANN001
    batch = services.batch_create(owner=owner, algorithm="johnson", photos=photos, options={"model": models[1].pk})
    assert batch.name == "2 photos · Johnson (fast style network)" and batch.columns == 1
    assert [cell["style"] for cell in selectors.batch_progress(batch)["cells"]] == ["Mosaic", "Mosaic"]


def test_a_disabled_model_or_too_many_pictures_refuse_all_of_it(owner, photos, models, settings):  # noqa: ANN001
    draft = fast_style("Draft", enabled=False)
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="johnson", photos=photos, models=[models[0].pk, draft.pk])
    assert refused.value.message_dict == {"models.1": ["No such style model: choose one of the fast styles offered."]}
    settings.STUDIO = {**settings.STUDIO, "MAX_BATCH_JOBS": 5}
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="johnson", photos=photos, models=[m.pk for m in models])
    assert "This batch would make 6 pictures, more than the 5" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="denoise", photos=photos, models=[models[0].pk])
    assert list(refused.value.message_dict) == ["models"]
    assert not Job.objects.exists() and not Batch.objects.exists()


def test_the_job_page_takes_several_fast_styles_and_the_batch_page_names_them(
    owner, owner_client: Client, photos, models
):  # noqa: ANN001
    data = {
        "algorithm": "johnson",
        "content": [str(p.pk) for p in photos],
        "johnson-model": [str(models[2].pk), str(models[0].pk)],
        "johnson-strength": "1",
        "every_pair": "on",
    }
    response = owner_client.post(reverse("studio:job_create"), data, follow=True)
    batch = Batch.objects.get()
    assert response.redirect_chain == [(batch.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "<h1>2 photos × Udnie, Candy</h1>" in page
    columns = re.findall(r'<th scope="col">.*?<span>(.*?)</span></th>', page, re.S)
    assert columns == ["Udnie", "Candy"] and "4 pictures are queued." in page


def test_a_refused_fast_style_batch_keeps_every_pick(owner, owner_client: Client, photos, models, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_BATCH_JOBS": 3}
    data = {
        "algorithm": "johnson",
        "content": [str(p.pk) for p in photos],
        "johnson-model": [str(m.pk) for m in models[:2]],
        "johnson-strength": "1",
        "every_pair": "on",
    }
    response = owner_client.post(reverse("studio:job_create"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "This batch would make 4 pictures, more than the 3" in page
    picked = re.findall(r'type="checkbox" name="johnson-model" value="(\d+)"[^>]*\s+checked', page)
    assert picked == [str(m.pk) for m in models[:2]]
    assert not Job.objects.exists()


def test_the_api_takes_a_list_of_models(owner, photos, models, other_user):  # noqa: ANN001
    body = {"algorithm": "johnson", "photos": [p.pk for p in photos], "models": [models[0].pk, models[1].pk]}
    response = api_for(owner).post("/api/v1/batches/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "2 photos × Candy, Mosaic" and data["columns"] == 2 and data["total"] == 4
    assert [cell["style"] for cell in data["cells"]] == ["Candy", "Mosaic"] * 2
    response = api_for(owner).post("/api/v1/batches/", {**body, "models": [models[0].pk, 10**9]}, format="json")
    assert response.status_code == 400 and "models.1" in response.json()["error"]["fields"]
    # someone else's photos are refused however the styles are given
    response = api_for(other_user).post("/api/v1/batches/", body, format="json")
    assert response.status_code == 400 and "photos.0" in response.json()["error"]["fields"]
    assert Batch.objects.count() == 1


def test_listing_fast_style_batches_reads_their_models_once(owner, photos, models) -> None:  # noqa: ANN001
    api = api_for(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/batches/").status_code == 200
        return len(captured)

    services.batch_create(owner=owner, algorithm="johnson", photos=photos, models=[models[0].pk])
    one = queries()
    for model in models:
        services.batch_create(owner=owner, algorithm="johnson", photos=photos[:1], models=[model.pk])
    assert queries() == one
    assert [batch["cells"][0]["style"] for batch in api.get("/api/v1/batches/").json()["results"]] == [
        "Udnie",
        "Mosaic",
        "Candy",
        "Candy",
    ]
