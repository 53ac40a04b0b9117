"""A result's strength changes on its page, at once, from the layers kept with it; "Save as new
result" keeps the chosen strength as another result and never reruns the job."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery.studio import services
from gallery.studio.models import Job, JobStyle, Result
from stylecore import finish
from stylecore.images import read_record
from stylecore.record import RunRecord
from tests.conftest import ARTIFACTS, LAYER_BLUE, LAYER_RED

pytestmark = pytest.mark.django_db


def colour(result: Result) -> tuple[int, ...]:
    with result.image.open("rb") as data, Image.open(data) as img:
        return tuple(np.asarray(img.convert("RGB"))[5, 5].tolist())


def test_saving_at_another_strength_makes_a_new_result_and_keeps_the_first(owner, owner_client: Client, layered_result):  # noqa: ANN001
    response = owner_client.post(
        reverse("studio:result_restrength", args=[layered_result.share_token]), {"strength": "0.25"}
    )
    saved = Result.objects.exclude(pk=layered_result.pk).get()
    assert response["Location"] == saved.get_absolute_url()
    expected = tuple(round(b + 0.25 * (r - b)) for r, b in zip(LAYER_RED, LAYER_BLUE, strict=True))
    assert all(abs(a - b) <= 1 for a, b in zip(colour(saved), expected, strict=True))
    assert saved.strength == 0.25 and saved.title == "Harbour × Candy · strength 25%"
    assert saved.derived_from == layered_result and saved.owner == owner and saved.visibility == "private"
    assert saved.algorithm == "johnson" and saved.params["model"] == "Candy" and saved.seconds == 0.4
    with saved.image.open("rb") as data:
        assert read_record(data)["params"]["strength"] == 0.25  # the file says what made it too
    assert saved.has_layers and saved.full_image.name != layered_result.full_image.name  # its own copies
    layered_result.refresh_from_db()
    assert layered_result.strength == 0.6 and colour(layered_result) != colour(saved)  # the first is untouched

    page = owner_client.get(saved.get_absolute_url()).content.decode()
    assert "Saved as a new result at strength 25%." in page
    assert "Photo · harbour" in page  # the inputs of the job that made the first one

    again = owner_client.post(reverse("studio:result_restrength", args=[saved.share_token]), {"strength": "1"})
    third = Result.objects.get(pk=int(Result.objects.latest("id").pk))
    assert again.status_code == 302 and third.derived_from == layered_result  # always from the one the job made
    assert third.title == "Harbour × Candy · strength 100%" and colour(third) == LAYER_RED


@pytest.mark.parametrize("strength", ["2", "-0.5", "strong", "", "nan"])
def test_a_bad_strength_is_refused_and_leaves_nothing(owner_client: Client, layered_result, strength: str):  # noqa: ANN001
    media = Path(settings.MEDIA_ROOT)
    before = sorted(p for p in media.rglob("*") if p.is_file())
    response = owner_client.post(
        reverse("studio:result_restrength", args=[layered_result.share_token]), {"strength": strength}, follow=True
    )
    assert "Strength must be" in response.content.decode()
    assert Result.objects.count() == 1
    assert sorted(p for p in media.rglob("*") if p.is_file()) == before


def test_nobody_else_saves_or_sees_another_users_layers(other_client: Client, layered_result):  # noqa: ANN001
    url = reverse("studio:result_restrength", args=[layered_result.share_token])
    assert other_client.post(url, {"strength": "0.5"}).status_code == 404
    assert Result.objects.count() == 1
    for variant in ("full", "photo"):
        assert (
            other_client.get(reverse("studio:result_file", args=[layered_result.share_token, variant])).status_code
            == 404
        )


def test_viewers_of_a_public_result_get_the_slider_but_not_the_save_button(other_client: Client, layered_result):  # noqa: ANN001
    layered_result.visibility = "public"
    layered_result.save()
    page = other_client.get(layered_result.get_absolute_url()).content.decode()
    assert 'id="strength-slider"' in page and "Save as new result" not in page
    assert other_client.get(reverse("studio:result_file", args=[layered_result.share_token, "full"])).status_code == 200


def test_a_result_without_layers_has_no_slider_and_says_why(owner, owner_client: Client, result_factory):  # noqa: ANN001
    result = result_factory(owner)
    assert 'id="strength-slider"' not in owner_client.get(result.get_absolute_url()).content.decode()
    assert owner_client.get(reverse("studio:result_file", args=[result.share_token, "full"])).status_code == 404
    response = owner_client.post(
        reverse("studio:result_restrength", args=[result.share_token]), {"strength": "0.5"}, follow=True
    )
    assert "has no layers" in response.content.decode() and Result.objects.count() == 1


def test_deleting_a_result_removes_its_layers(owner_client: Client, layered_result, django_capture_on_commit_callbacks):  # noqa: ANN001
    names = [layered_result.full_image.name, layered_result.photo_image.name]
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("studio:result_delete", args=[layered_result.share_token]))
    assert not any(layered_result.image.storage.exists(name) for name in names)


@pytest.mark.django_db(transaction=True)
def test_the_slider_shows_the_strength_at_once_and_saves_it(live_server, owner, browser, upload_factory, tmp_path):  # noqa: ANN001
    content = upload_factory(owner, kind="content", name="harbour.png")
    style = upload_factory(owner, kind="style", name="candy.png")
    job = Job.objects.create(owner=owner, algorithm="gatys", content=content, state=Job.State.SUCCEEDED)
    JobStyle.objects.create(job=job, upload=style)
    layers = tmp_path / "layers"
    layers.mkdir()
    stripes = Image.new("RGB", (240, 160), LAYER_RED)
    for x in range(0, 240, 24):
        stripes.paste(LAYER_BLUE, (x, 0, x + 12, 160))
    stripes.save(layers / finish.FULL_LAYER)
    Image.linear_gradient("L").resize((240, 160)).convert("RGB").save(layers / finish.PHOTO_LAYER)
    output = tmp_path / "result.png"
    record = finish.restrength_files(layers, output, 1.0, record=RunRecord(algorithm="gatys", params={}))
    result = services.result_create(job=job, output=output, record=record, layers=layers, title="Harbour × Candy")

    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.goto(live_server.url + result.get_absolute_url())
        full = page.locator('[data-layer="full"]')
        save = page.get_by_role("button", name="Save as new result")
        assert full.is_hidden() and save.is_disabled()  # as made: the stored result itself
        page.locator("#strength-slider").fill("0.4")
        assert page.locator("[data-strength-value]").inner_text() == "40%"
        assert full.is_visible() and full.evaluate("el => getComputedStyle(el).opacity") == "0.4"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "result-strength-slider.png", full_page=True)
        save.click()
        page.get_by_text("Saved as a new result at strength 40%.").wait_for()
        assert page.get_by_role("heading", name="Harbour × Candy · strength 40%").is_visible()
        page.get_by_role("button", name="Back to 40%").wait_for(state="attached")
    finally:
        context.close()
    saved = Result.objects.get(derived_from=result)
    assert saved.strength == 0.4
