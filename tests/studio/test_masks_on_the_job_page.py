"""The job page sends a mask per picked style (uploaded or painted: a file either way); the view stores
it as the owner's mask upload before asking for the job, so a refused request keeps it, and a bad
mask is refused on its own slot with every pick kept. Masks stay out of the photo and style pickers."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gallery.studio.models import Job, Upload
from tests.studio.test_region_masks import enabled, make_mask, mask_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(owner) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def picks(owner, upload_factory) -> dict:  # noqa: ANN001
    photo = upload_factory(owner, name="harbour.png", size=(40, 32))
    style = upload_factory(owner, kind="style", name="Candy.png")
    return {
        "algorithm": "gatys",
        "content": photo.pk,
        "style": [str(style.pk)],
        "gatys-size": 32,
        "gatys-steps": 2,
        "gatys-optimizer": "adam",
        "gatys-content_weight": 1,
        "gatys-style_weight": 1e6,
        "gatys-tv_weight": 0,
        "gatys-init": "content",
        "gatys-scales": 1,
        "gatys-strength": 1,
        "gatys-unmasked": "style",
    }


def mask_file(name: str = "sky.png", **kwargs: bool) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, mask_bytes(**kwargs), content_type="image/png")


def test_a_painted_mask_is_stored_and_the_job_runs_with_it(client, picks) -> None:  # noqa: ANN001
    key = picks["style"][0]
    response = client.post(reverse("studio:job_create"), {**picks, f"mask_{key}": mask_file("Candy on harbour.png")})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    mask = job.job_masks.get().upload
    assert (mask.kind, mask.title) == ("mask", "Candy on harbour")
    assert job.options["unmasked"] == "style"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Mask: Candy on harbour" in page


def test_a_bad_mask_is_refused_on_its_slot_and_the_picks_stay(client, picks) -> None:  # noqa: ANN001
    key = picks["style"][0]
    response = client.post(reverse("studio:job_create"), {**picks, f"mask_{key}": mask_file(covered=False)})
    assert response.status_code == 400 and not Job.objects.exists()
    assert not Upload.objects.filter(kind="mask").exists()
    page = response.content.decode()
    assert "The mask covers nothing" in page
    assert re.search(rf'id="style-{key}" data-style\s+checked', page)  # the style stays picked


def test_a_mask_sent_with_a_refused_request_is_kept_for_the_next_try(client, picks) -> None:  # noqa: ANN001
    key = picks["style"][0]
    refused = client.post(
        reverse("studio:job_create"), {**picks, "gatys-size": -5, f"mask_{key}": mask_file("harbour sky.png")}
    )
    assert refused.status_code == 400 and not Job.objects.exists()
    mask = Upload.objects.get(kind="mask")
    page = refused.content.decode()
    assert f'name="maskid_{key}" value="{mask.pk}"' in page and "Mask: harbour sky" in page

    again = client.post(reverse("studio:job_create"), {**picks, f"maskid_{key}": mask.pk})
    assert again.status_code == 302
    assert Job.objects.get().job_masks.get().upload == mask


def test_someone_elses_mask_id_reads_as_missing_on_its_slot(client, picks, other_user) -> None:  # noqa: ANN001
    key = picks["style"][0]
    theirs = make_mask(other_user)
    response = client.post(reverse("studio:job_create"), {**picks, f"maskid_{key}": theirs.pk})
    assert response.status_code == 400 and not Job.objects.exists()
    assert "No such mask: upload or paint one." in response.content.decode()
    assert theirs.title not in response.content.decode()


def test_every_pair_with_a_mask_says_why_not(client, picks) -> None:  # noqa: ANN001
    key = picks["style"][0]
    response = client.post(reverse("studio:job_create"), {**picks, "every_pair": "on", f"mask_{key}": mask_file()})
    assert response.status_code == 400 and not Job.objects.exists()
    assert "A batch cannot use masks" in response.content.decode()


def test_masks_are_not_offered_as_photos_or_styles(client, owner, picks) -> None:  # noqa: ANN001
    make_mask(owner, "secret region.png")
    page = client.get(reverse("studio:job_create")).content.decode()
    assert "secret region" not in page
    uploads = client.get(reverse("studio:upload_list")).content.decode()
    assert "Masks" in uploads and "secret region" in uploads


def test_a_fast_style_takes_one_mask_for_its_model(client, picks) -> None:  # noqa: ANN001
    model = enabled("johnson", "candy")
    data = {"algorithm": "johnson", "content": picks["content"], "johnson-model": model.pk, "johnson-strength": 1}
    response = client.post(reverse("studio:job_create"), {**data, "mask_fast": mask_file("harbour sky.png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get()
    assert (job.algorithm, job.job_masks.get().upload.title) == ("johnson", "harbour sky")


def test_run_again_starts_with_the_jobs_masks(client, picks) -> None:  # noqa: ANN001
    key = picks["style"][0]
    client.post(reverse("studio:job_create"), {**picks, f"mask_{key}": mask_file("harbour sky.png")})
    job = Job.objects.get()
    mask = job.job_masks.get().upload
    page = client.get(reverse("studio:job_create"), {"again": job.pk}).content.decode()
    assert f'name="maskid_{key}" value="{mask.pk}"' in page and "Mask: harbour sky" in page
