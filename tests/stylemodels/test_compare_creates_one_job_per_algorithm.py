"""The compare page turns one request into one job per chosen algorithm, grouped, all or none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.studio.models import Job
from gallery.stylemodels.models import CompareGroup

pytestmark = pytest.mark.django_db


def compare_form(content, style, model, algorithms, **extra):  # noqa: ANN001, ANN003, ANN201
    data = {
        "content": content.pk,
        "style": style.pk,
        "algorithms": algorithms,
        "gatys-size": 32, "gatys-steps": 2, "gatys-optimizer": "adam", "gatys-content_weight": 1,
        "gatys-style_weight": 1000, "gatys-tv_weight": 0.01, "gatys-init": "content", "gatys-scales": 1,
        "johnson-model": model.pk, "johnson-size": 32,
        "chen-patch": 3, "chen-stride": 1, "chen-style_size": 32,
    }  # fmt: skip
    data.update(extra)
    return data


def test_one_request_makes_one_job_per_algorithm(owner, owner_client, upload_factory, style_model_factory) -> None:  # noqa: ANN001
    model = style_model_factory("johnson", name="Waves")
    decoder = style_model_factory("chen-decoder")
    content = upload_factory(owner, kind="content")
    style = upload_factory(owner, kind="style", name="s.png")

    response = owner_client.post(
        reverse("stylemodels:compare_create"),
        compare_form(content, style, model, ["gatys", "chen", "johnson"], **{"chen-decoder": decoder.pk}),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    group = CompareGroup.objects.get()
    assert response["Location"] == group.get_absolute_url()
    jobs = {job.algorithm: job for job in group.jobs.all()}
    assert set(jobs) == {"gatys", "chen", "johnson"}
    assert all(job.content == content for job in jobs.values())
    assert [s.upload for s in jobs["chen"].job_styles.all()] == [style]
    assert not jobs["johnson"].job_styles.exists() and jobs["johnson"].options["model"] == model.pk

    page = owner_client.get(group.get_absolute_url())
    assert page.status_code == 200
    for job in jobs.values():
        assert reverse("studio:job_progress", args=[job.pk]) in page.content.decode()


def test_an_invalid_option_makes_no_job_at_all(owner, owner_client, upload_factory, style_model_factory) -> None:  # noqa: ANN001
    model = style_model_factory("johnson")
    content = upload_factory(owner, kind="content")
    style = upload_factory(owner, kind="style", name="s.png")

    response = owner_client.post(
        reverse("stylemodels:compare_create"),
        compare_form(content, style, model, ["gatys", "johnson"], **{"johnson-size": 4}),
    )

    assert response.status_code == 400
    assert not Job.objects.exists() and not CompareGroup.objects.exists()


def test_other_users_cannot_see_a_comparison(owner, other_client, upload_factory, style_model_factory) -> None:  # noqa: ANN001
    from gallery.stylemodels import services

    model = style_model_factory("johnson")
    group = services.jobs_compare_create(
        owner=owner,
        content=upload_factory(owner),
        style=None,
        algorithms=["johnson"],
        options={"johnson": {"model": model.pk}},
    )
    assert other_client.get(group.get_absolute_url()).status_code == 404


def test_denoise_is_not_offered(owner_client) -> None:  # noqa: ANN001
    page = owner_client.get(reverse("stylemodels:compare_create"))
    assert page.status_code == 200
    assert 'value="denoise"' not in page.content.decode()
