"""A real browser opens "More control": Gatys' style scale, pooling and layers and Chen's patch and stride
show their help pictures (loaded, with alt text), on a desktop and a 390 px phone; a bad layer list comes
back with its message and the typed text.

Screenshots: test-artifacts/gatys-more-control.png, gatys-more-control-mobile.png, chen-more-control.png.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import ARTIFACTS
from tests.stylemodels.conftest import style_model_factory  # noqa: F401  a fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

PICTURED = {"gatys": ("style_scale", "pooling", "content_layers", "style_layers"), "chen": ("patch", "stride")}


@pytest.fixture
def open_page(live_server, owner, browser, upload_factory) -> Callable[..., object]:  # noqa: ANN001
    upload_factory(owner, name="harbour.png", size=(64, 48))
    upload_factory(owner, kind="style", name="waves.png")
    client = Client()
    client.force_login(owner)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    contexts = []

    def open_(width: int, height: int, algorithm: str) -> object:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_cookies([cookie | {"url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{live_server.url}/jobs/new/")
        page.locator("summary", has_text="More control").click()
        page.locator("[name=algorithm]").select_option(algorithm)
        return page

    yield open_
    for context in contexts:
        context.close()


def pictures_shown(page, algorithm: str) -> None:  # noqa: ANN001
    panel = page.locator(f"fieldset.options[data-algorithm={algorithm}]")
    for name in PICTURED[algorithm]:
        picture = panel.locator(f"#id_{algorithm}-{name}").locator("xpath=ancestor::div[1]").locator("img.help-picture")
        picture.scroll_into_view_if_needed()
        assert picture.is_visible() and picture.get_attribute("alt")
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 480  # loaded, drawn at 2x
        box = picture.bounding_box()
        assert box and box["width"] <= 240


def test_gatys_options_show_their_pictures_and_keep_a_bad_layer_list(open_page) -> None:  # noqa: ANN001
    page = open_page(1280, 900, "gatys")
    pictures_shown(page, "gatys")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("fieldset.options[data-algorithm=gatys]").screenshot(path=ARTIFACTS / "gatys-more-control.png")

    page.locator(".pick-card label", has_text="harbour").first.click()
    page.locator(".pick-card label", has_text="waves").first.click()
    page.locator("[name=algorithm]").select_option("gatys")
    page.locator("[name=gatys-style_layers]").fill("conv1_1:1, conv9_1:0.5")
    page.get_by_role("button", name="Stylize").click()
    page.get_by_text("conv9_1: not a VGG19 layer").wait_for()
    assert page.locator("[name=gatys-style_layers]").input_value() == "conv1_1:1, conv9_1:0.5"


def test_the_pictures_fit_a_phone(open_page) -> None:  # noqa: ANN001
    page = open_page(390, 844, "gatys")
    pictures_shown(page, "gatys")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("fieldset.options[data-algorithm=gatys]").screenshot(path=ARTIFACTS / "gatys-more-control-mobile.png")


def test_chens_patch_and_stride_show_their_pictures(open_page, style_model_factory) -> None:  # noqa: ANN001, F811
    style_model_factory("chen-decoder", name="Decoder")  # Chen is offered once a decoder is enabled
    page = open_page(1280, 900, "chen")
    pictures_shown(page, "chen")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("fieldset.options[data-algorithm=chen]").screenshot(path=ARTIFACTS / "chen-more-control.png")
