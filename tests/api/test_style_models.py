"""Style models: users see the enabled ones (read-only) and which job option takes each."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from gallery.stylemodels.models import Kind, StyleModel
from tests.conftest import image_bytes

from .conftest import api_for, assert_error

pytestmark = pytest.mark.django_db


def style_model(slug: str, *, kind: str = Kind.JOHNSON, enabled: bool = True, preview: bool = False) -> StyleModel:
    model = StyleModel(name=slug.title(), slug=slug, kind=kind, enabled=enabled, source=StyleModel.Source.UPLOADED)
    model.file.name = f"models/{kind}/{slug}.safetensors"
    if preview:
        model.preview.save("preview.jpg", ContentFile(image_bytes(format="JPEG")), save=False)
    model.save()
    return model


def test_only_enabled_models_are_listed_with_their_job_option(owner_api) -> None:  # noqa: ANN001
    candy = style_model("candy")
    style_model("draft", enabled=False)
    decoder = style_model("decoder", kind=Kind.CHEN_DECODER)

    listed = {m["slug"]: m for m in owner_api.get("/api/v1/style-models/").json()["results"]}
    assert set(listed) == {"candy", "decoder"}
    assert (listed["candy"]["id"], listed["candy"]["algorithm"], listed["candy"]["option"]) == (
        candy.pk,
        "johnson",
        "model",
    )
    assert (listed["decoder"]["algorithm"], listed["decoder"]["option"]) == ("chen", "decoder")
    assert [m["id"] for m in owner_api.get("/api/v1/style-models/?kind=chen-decoder").json()["results"]] == [decoder.pk]


def test_a_disabled_model_is_404_for_users_but_staff_see_it(owner_api, staff_user) -> None:  # noqa: ANN001
    style_model("draft", enabled=False)
    assert_error(owner_api.get("/api/v1/style-models/draft/"), 404, "not_found")
    assert api_for(staff_user).get("/api/v1/style-models/draft/").status_code == 200


def test_the_preview_downloads_when_there_is_one(owner_api) -> None:  # noqa: ANN001
    style_model("candy", preview=True)
    style_model("mosaic")
    candy = owner_api.get("/api/v1/style-models/candy/").json()
    assert owner_api.get(candy["preview_url"]).status_code == 200
    assert owner_api.get("/api/v1/style-models/mosaic/").json()["preview_url"] is None
    assert owner_api.get("/api/v1/style-models/mosaic/preview/").status_code == 404


def test_models_are_read_only(owner_api) -> None:  # noqa: ANN001
    style_model("candy")
    assert owner_api.post("/api/v1/style-models/", {"slug": "mine"}).status_code == 405
    assert owner_api.delete("/api/v1/style-models/candy/").status_code == 405
    assert StyleModel.objects.filter(slug="candy").exists()


def test_anonymous_gets_401(anon_api) -> None:  # noqa: ANN001
    assert_error(anon_api.get("/api/v1/style-models/"), 401, "not_authenticated")
