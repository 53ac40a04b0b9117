"""The batch page and its live data, cancel and zip: the owner's only, named as people read them."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery.core import runs
from gallery.studio import services
from gallery.studio.models import Batch, Job
from stylecore.record import RunRecord

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "optimizer": "adam"}
# The job page's Gatys fields as its form posts them.
FORM = {
    f"gatys-{name}": value
    for name, value in {
        **TINY,
        "content_weight": 1,
        "style_weight": 1e6,
        "tv_weight": 0.01,
        "init": "content",
        "scales": 1,
        "strength": 1,
    }.items()
}


@pytest.fixture
def batch(owner, upload_factory, tmp_path) -> Batch:  # noqa: ANN001
    """harbour and beach × Candy and Mosaic; "harbour × Candy" is made."""
    photos = [upload_factory(owner, name="harbour.png"), upload_factory(owner, name="beach.png")]
    styles = [upload_factory(owner, kind="style", name=name) for name in ("Candy.png", "Mosaic.png")]
    batch = services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    job = batch.jobs.order_by("id").first()
    output = tmp_path / "result.png"
    Image.new("RGB", (32, 32), (200, 40, 40)).save(output)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    services.result_create(job=job, output=output, record=RunRecord(algorithm="gatys", params=TINY, steps_done=2))
    runs.run_finish(Job, job.pk, Job.State.SUCCEEDED)
    return batch


URLS = {
    "page": ("studio:batch_detail", "get"),
    "progress": ("studio:batch_progress", "get"),
    "zip": ("studio:batch_download", "get"),
    "cancel": ("studio:batch_cancel", "post"),
}


@pytest.mark.parametrize("name", URLS)
def test_other_people_get_404_and_change_nothing(name: str, batch: Batch, other_client: Client):
    route, method = URLS[name]
    assert getattr(other_client, method)(reverse(route, args=[batch.pk])).status_code == 404
    assert batch.jobs.filter(state=Job.State.QUEUED).count() == 3


def test_the_page_shows_one_row_per_photo_and_one_column_per_style(batch: Batch, owner_client: Client):
    page = owner_client.get(reverse("studio:batch_detail", args=[batch.pk])).content.decode()
    assert page.count("<tr>") == 3  # the head and two photos
    rows = re.findall(r'<th scope="row">.*?<span>(.*?)</span></th>', page)
    columns = re.findall(r'<th scope="col">.*?<span>(.*?)</span></th>', page, re.S)
    assert rows == ["harbour", "beach"] and columns == ["Candy", "Mosaic"]
    assert "1</span> of 4 pictures made" in page


def test_one_poll_returns_every_cell(batch: Batch, owner_client: Client):
    data = owner_client.get(reverse("studio:batch_progress", args=[batch.pk])).json()
    assert [cell["state"] for cell in data["cells"]] == ["succeeded", "queued", "queued", "queued"]
    assert data["cells"][0]["thumbnail_url"] and data["cells"][0]["result_url"]
    assert [cell["queue_position"] for cell in data["cells"][1:]] == [1, 2, 3]
    assert data["done"] == 1 and not data["finished"]


def test_cancel_stops_the_rest_and_keeps_what_was_made(batch: Batch, owner_client: Client):
    response = owner_client.post(reverse("studio:batch_cancel", args=[batch.pk]), follow=True)
    assert "Cancelled 3 pictures not yet made; the pictures already made are kept." in response.content.decode()
    assert sorted(batch.jobs.values_list("state", flat=True)) == ["cancelled"] * 3 + ["succeeded"]


def test_cancel_needs_the_forms_csrf_token(batch: Batch, owner):  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(reverse("studio:batch_cancel", args=[batch.pk])).status_code == 403
    assert batch.jobs.filter(state=Job.State.QUEUED).count() == 3


def test_the_zip_holds_each_result_and_its_run_record_by_name(batch: Batch, owner_client: Client):
    response = owner_client.get(reverse("studio:batch_download", args=[batch.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["harbour × Candy.json", "harbour × Candy.png"]
    record = json.loads(archive.read("harbour × Candy.json"))
    assert record["algorithm"] == "gatys" and record["steps_done"] == 2 and record["title"] == "harbour × Candy"
    assert Image.open(io.BytesIO(archive.read("harbour × Candy.png"))).size == (32, 32)


def test_the_job_page_makes_every_pair_when_asked(owner, owner_client: Client, upload_factory):  # noqa: ANN001
    photos = [upload_factory(owner, name=name) for name in ("harbour.png", "beach.png")]
    styles = [upload_factory(owner, kind="style", name=name) for name in ("Candy.png", "Mosaic.png")]
    data = {
        "algorithm": "gatys",
        "content": [str(p.pk) for p in photos],
        "style": [str(s.pk) for s in styles],
        "every_pair": "on",
        **FORM,
    }
    response = owner_client.post(reverse("studio:job_create"), data, follow=True)
    batch = Batch.objects.get()
    assert response.redirect_chain == [(batch.get_absolute_url(), 302)]
    assert batch.jobs.count() == 4
    assert "4 pictures are queued." in response.content.decode()


def test_a_batch_of_one_picture_says_so_in_the_singular(owner, owner_client: Client, upload_factory):  # noqa: ANN001
    photo = upload_factory(owner, name="harbour.png")
    style = upload_factory(owner, kind="style", name="Candy.png")
    data = {"algorithm": "gatys", "content": [str(photo.pk)], "style": [str(style.pk)], "every_pair": "on", **FORM}
    page = owner_client.post(reverse("studio:job_create"), data, follow=True).content.decode()
    assert "1 picture is queued." in page and Batch.objects.get().jobs.count() == 1


def test_without_every_pair_several_styles_still_blend_into_one_job(owner, owner_client: Client, upload_factory):  # noqa: ANN001
    photo = upload_factory(owner, name="harbour.png")
    styles = [upload_factory(owner, kind="style", name=name) for name in ("Candy.png", "Mosaic.png")]
    data = {"algorithm": "gatys", "content": str(photo.pk), "style": [str(s.pk) for s in styles]}
    data.update(FORM)
    assert owner_client.post(reverse("studio:job_create"), data).status_code == 302
    assert not Batch.objects.exists() and Job.objects.get().job_styles.count() == 2


def test_a_refused_batch_says_why_on_the_job_page(owner, owner_client: Client, upload_factory, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_BATCH_JOBS": 1}
    photos = [upload_factory(owner, name=name) for name in ("harbour.png", "beach.png")]
    style = upload_factory(owner, kind="style", name="Candy.png")
    data = {"algorithm": "gatys", "content": [str(p.pk) for p in photos], "style": [str(style.pk)], "every_pair": "on"}
    data.update(FORM)
    response = owner_client.post(reverse("studio:job_create"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "This batch would make 2 pictures, more than the 1" in page
    assert page.count('type="checkbox" name="content"') == 2 and page.count("checked") >= 3  # the picks are kept
    assert not Job.objects.exists()
