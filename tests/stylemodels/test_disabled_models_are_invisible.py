"""Only enabled style models reach users: the job form, its validation and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.studio import services as studio_services
from gallery.stylemodels.algorithms import NO_DECODER
from gallery.stylemodels.selectors import style_models_enabled

pytestmark = pytest.mark.django_db


def test_the_job_form_lists_enabled_models_only(owner, owner_client, upload_factory, style_model_factory):  # noqa: ANN001
    style_model_factory("johnson", name="Shown waves", enabled=True)
    style_model_factory("johnson", name="Hidden mosaic", enabled=False)
    upload_factory(owner, kind="content")

    page = owner_client.get(reverse("studio:job_create")).content.decode()

    assert "Shown waves" in page
    assert "Hidden mosaic" not in page
    assert [m.name for m in style_models_enabled("johnson")] == ["Shown waves"]


def test_a_disabled_model_is_refused_when_submitted_anyway(owner, upload_factory, style_model_factory):  # noqa: ANN001
    from django.core.exceptions import ValidationError

    hidden = style_model_factory("johnson", enabled=False)
    content = upload_factory(owner, kind="content")
    with pytest.raises(ValidationError) as error:
        studio_services.job_create(owner=owner, algorithm="johnson", content=content, options={"model": hidden.pk})
    assert "options.model" in error.value.message_dict


def test_the_chen_options_say_clearly_when_no_decoder_is_enabled(
    owner, owner_client, upload_factory, style_model_factory
):  # noqa: ANN001
    style_model_factory("chen-decoder", enabled=False)
    upload_factory(owner, kind="content")
    page = owner_client.get(reverse("studio:job_create")).content.decode()
    assert NO_DECODER in page


def test_the_api_lists_enabled_models_only(owner_client, style_model_factory):  # noqa: ANN001
    shown = style_model_factory("johnson", name="Shown waves", enabled=True)
    hidden = style_model_factory("johnson", name="Hidden mosaic", enabled=False)
    hidden_decoder = style_model_factory("chen-decoder", name="Hidden decoder", enabled=False)

    response = owner_client.get(reverse("api:style_models"))

    assert response.status_code == 200, response.content[:500]
    assert [item["name"] for item in response.json()["results"]] == [shown.name]
    for kind in ("johnson", "chen-decoder"):
        listed = owner_client.get(reverse("api:style_models"), {"kind": kind}).json()["results"]
        assert {item["name"] for item in listed} <= {shown.name}
    for model in (hidden, hidden_decoder):
        assert owner_client.get(reverse("api:style_model", args=[model.slug])).status_code == 404
        assert owner_client.get(reverse("api:style_model_preview", args=[model.slug])).status_code == 404
    assert owner_client.get(reverse("api:style_model", args=[shown.slug])).status_code == 200


def test_users_see_enabled_previews_but_not_disabled_ones(owner_client, style_model_factory):  # noqa: ANN001
    shown = style_model_factory("johnson", enabled=True)
    hidden = style_model_factory("johnson", enabled=False)
    assert owner_client.get(shown.preview_url()).status_code == 200
    assert owner_client.get(hidden.preview_url()).status_code == 404
