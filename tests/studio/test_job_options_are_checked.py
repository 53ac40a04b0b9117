"""Absurd job options get a clear message on the form (the same one the API gets) and create nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from gallery.studio.models import Job
from gallery.studio.services import job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def images(owner, upload_factory):  # noqa: ANN001, ANN201
    return upload_factory(owner), upload_factory(owner, kind="style", name="style.png")


def form_data(content, style, **options: object) -> dict[str, object]:  # noqa: ANN001
    data = {"algorithm": "gatys", "content": content.pk, "style": style.pk, f"weight_{style.pk}": 1}
    defaults = {
        "size": 32,
        "steps": 3,
        "optimizer": "adam",
        "content_weight": 1,
        "style_weight": 1e6,
        "tv_weight": 0.01,
        "init": "content",
        "scales": 1,
    }
    data.update({f"gatys-{k}": v for k, v in {**defaults, **options}.items()})
    return data


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("steps", -5, "between 1 and 5000"),
        ("size", 100000, "between"),
        ("scales", 99, "between 1 and 4"),
        ("steps", "lots", "whole number"),
    ],
)
def test_the_form_shows_a_clear_error_for_an_absurd_option_and_queues_nothing(
    option: str,
    value: object,
    words: str,
    images,
    owner_client: Client,
    django_capture_on_commit_callbacks,  # noqa: ANN001
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(reverse("studio:job_create"), form_data(*images, **{option: value}))
    assert response.status_code == 400
    errors = response.context["option_forms"][0][1].errors
    assert option in errors and words in " ".join(errors[option]).lower()
    assert not Job.objects.exists() and not callbacks


@pytest.mark.parametrize(
    ("options", "field"), [({"size": 100000}, "size"), ({"steps": -1}, "steps"), ({"colour": "blue"}, "colour")]
)
def test_the_service_gives_the_api_the_same_errors_keyed_by_option(options, field, owner, images):  # noqa: ANN001
    content, style = images
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="gatys", content=content, styles=[(style, 1.0)], options=options)
    assert f"options.{field}" in error.value.message_dict
    assert not Job.objects.exists()


def test_it_refuses_other_peoples_images_and_bad_blend_weights(owner, other_user, upload_factory, images):  # noqa: ANN001
    theirs = upload_factory(other_user, kind="style")
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="gatys", content=images[0], styles=[(theirs, 1.0)])
    assert "styles.0.id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="gatys", content=images[0], styles=[(images[1], -2.0)])
    assert "positive" in error.value.message_dict["styles"][0]


def test_denoise_takes_no_style_and_gatys_needs_one(owner, images):  # noqa: ANN001
    content, style = images
    with pytest.raises(ValidationError, match="takes no style"):
        job_create(owner=owner, algorithm="denoise", content=content, styles=[(style, 1.0)])
    with pytest.raises(ValidationError, match="between 1 and 3"):
        job_create(owner=owner, algorithm="gatys", content=content, styles=[])
    with pytest.raises(ValidationError, match="Unknown algorithm"):
        job_create(owner=owner, algorithm="magic", content=content)


def test_denoise_keeps_its_non_local_means_share_between_0_and_1(owner, images):  # noqa: ANN001
    content, _ = images
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="denoise", content=content, options={"blend": 1.5})
    assert "options.blend" in error.value.message_dict
    assert not Job.objects.exists()
    assert job_create(owner=owner, algorithm="denoise", content=content).options["blend"] == 0.65  # the default
    assert job_create(owner=owner, algorithm="denoise", content=content, options={"blend": 0}).options["blend"] == 0
    assert (
        job_create(owner=owner, algorithm="denoise", content=content, options={"blend": None}).options["blend"] == 0.65
    )


def test_a_valid_job_is_queued_after_commit_with_its_blend_weights(
    owner,
    images,
    owner_client: Client,
    django_capture_on_commit_callbacks,  # noqa: ANN001
):
    content, style = images
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(reverse("studio:job_create"), form_data(content, style, weight_1=2.5))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.QUEUED and job.options["size"] == 32
    assert [s.weight for s in job.job_styles.all()] == [1.0]
    assert len(callbacks) == 1  # the enqueue waits for the commit
