"""A real browser on the job page: click a photo and a fast style, see the expected time, press Stylize,
land on the job page; a Gatys preset sets the size and steps; the page fits a 390 px phone.

Screenshots: test-artifacts/job-picker.png (desktop) and job-picker-mobile.png (390 px).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw

from gallery.studio import services as studio_services
from gallery.studio.algorithms import GATYS
from gallery.studio.models import Job
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


def landscape(sky: tuple[int, int, int], ground: tuple[int, int, int], sun: tuple[int, int]) -> bytes:
    """A small 'photo': a sky gradient, a sun and rolling hills."""
    img = Image.new("RGB", (240, 180), sky)
    draw = ImageDraw.Draw(img)
    for y in range(110):
        shade = tuple(min(255, c + y) for c in sky)
        draw.line([(0, y), (240, y)], fill=shade)
    draw.ellipse((sun[0] - 18, sun[1] - 18, sun[0] + 18, sun[1] + 18), fill=(255, 214, 102))
    hills = [(x, 120 + 18 * math.sin(x / 28) + 10 * math.sin(x / 9)) for x in range(0, 241, 8)]
    draw.polygon([(0, 180), *hills, (240, 180)], fill=ground)
    return png(img)


def pattern(kind: str, colours: list[tuple[int, int, int]]) -> bytes:
    """A bold, colourful 'painting' to use as a style picture."""
    img = Image.new("RGB", (160, 160), colours[0])
    draw = ImageDraw.Draw(img)
    for index in range(24):
        colour = colours[index % len(colours)]
        if kind == "stripes":
            draw.line([(index * 14 - 160, 160), (index * 14, 0)], fill=colour, width=7)
        elif kind == "rings":
            radius = 150 - index * 6
            draw.ellipse((80 - radius, 80 - radius, 80 + radius, 80 + radius), outline=colour, width=4)
        elif kind == "tiles":
            x, y = (index % 6) * 27, (index // 6) * 40
            draw.polygon(
                [(x, y), (x + 27, y + 8), (x + 20, y + 40), (x - 4, y + 34)], fill=colour, outline=(20, 20, 30)
            )
        else:  # swirls
            draw.arc(
                (index * 3, index * 2, 160 - index * 3, 160 - index * 2),
                20 * index,
                20 * index + 200,
                fill=colour,
                width=5,
            )
    return png(img)


@pytest.fixture
def studio(owner, style_model_factory) -> dict[str, object]:  # noqa: ANN001
    """A user with three photos and one style of their own, on a site with four fast styles."""

    def upload(name: str, data: bytes, kind: str = "content"):  # noqa: ANN202
        return studio_services.upload_create(owner=owner, file=SimpleUploadedFile(name, data, "image/png"), kind=kind)

    photos = [
        upload("lake-at-dawn.png", landscape((120, 150, 220), (60, 120, 80), (180, 50))),
        upload("harbour.png", landscape((240, 150, 110), (40, 70, 110), (60, 70))),
        upload("meadow.png", landscape((90, 170, 230), (110, 160, 60), (200, 40))),
    ]
    own = upload("warm-stripes.png", pattern("stripes", [(240, 90, 60), (250, 190, 50), (80, 60, 200)]), "style")
    fast = [
        style_model_factory("johnson", name=name, style_image=pattern(kind, colours))
        for name, kind, colours in (
            ("Candy", "rings", [(250, 120, 160), (90, 200, 220), (255, 230, 120)]),
            ("Mosaic", "tiles", [(220, 160, 60), (60, 120, 180), (200, 70, 60), (230, 220, 200)]),
            ("Rain princess", "swirls", [(40, 30, 60), (230, 120, 50), (120, 60, 140)]),
            ("Udnie", "stripes", [(40, 60, 120), (220, 170, 80), (150, 50, 40)]),
        )
    ]
    return {"photos": photos, "own": own, "fast": fast}


@pytest.fixture
def open_page(live_server, owner, browser) -> Callable[..., object]:  # noqa: ANN001
    client = Client()
    client.force_login(owner)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    contexts = []

    def open_(width: int, height: int) -> object:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_cookies([cookie | {"url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{live_server.url}/jobs/new/")
        return page

    yield open_
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def card(page, name: str):  # noqa: ANN001, ANN201
    """The clickable picture (its label) named `name` in the first section that has it."""
    return page.locator(".pick-card label", has_text=name).first


def test_click_a_photo_and_a_fast_style_see_the_time_and_stylize(studio, open_page) -> None:  # noqa: ANN001
    page = open_page(1280, 900)
    harbour, candy = studio["photos"][1], studio["fast"][0]
    expected = page.locator("[data-expected]")

    card(page, "harbour").click()
    assert page.locator(f"#photo-{harbour.pk}").is_checked()
    page.locator(f"#photo-{harbour.pk}").press("ArrowRight")  # a radio group: arrows move the choice
    assert page.locator(f"#photo-{studio['photos'][0].pk}").is_checked()
    card(page, "harbour").click()

    # One of the user's styles: no Chen decoder here, so it paints with Gatys, which starts on "quick".
    card(page, "warm stripes").click()
    assert page.locator("[name=algorithm]").input_value() == "gatys"
    quick, balanced = GATYS.presets[0], GATYS.presets[1]
    assert page.get_by_label(quick.label).is_checked()
    page.wait_for_function("() => document.querySelector('[data-expected]').textContent.startsWith('about')")
    quick_time = expected.text_content()
    page.locator(".preset", has_text=balanced.label).click()
    assert page.locator("[name=gatys-size]").input_value() == str(balanced.options["size"])
    assert page.locator("[name=gatys-steps]").input_value() == str(balanced.options["steps"])
    page.wait_for_function(f"() => document.querySelector('[data-expected]').textContent !== {quick_time!r}")
    # strength and colours of the chosen algorithm sit beside Stylize, not under "More control"
    assert page.locator("#id_gatys-preserve_colors").is_visible() and page.locator("#id_gatys-strength").is_visible()
    assert page.locator("#id_johnson-preserve_colors").is_hidden()
    shot(page, "job-picker")

    # Gatys blends up to three styles: the catalogue's pictures count like the user's own.
    for name in ("Candy", "Mosaic", "Udnie"):
        page.locator(".pick-card label", has_text=name).nth(1).click()
    assert page.locator("[name=style]:checked").count() == 3
    assert page.get_by_text("blends up to 3 styles").is_visible()
    assert not page.locator("[name=style][value^=catalogue-]").nth(3).is_checked()

    # An expert's edit wins: no preset claims the changed steps.
    page.locator("summary", has_text="More control").click()
    page.locator("[name=gatys-steps]").fill("77")
    assert not page.get_by_label(balanced.label).is_checked()

    card(page, "Candy").click()
    assert page.locator("[name=algorithm]").input_value() == "johnson"
    assert not page.locator("[name=style]:checked").count()  # a fast style needs no style picture
    page.wait_for_function("() => /^about \\d+ s$/.test(document.querySelector('[data-expected]').textContent)")
    assert re.fullmatch(r"about \d+ s", expected.text_content())

    page.get_by_role("button", name="Stylize").click()
    page.get_by_text("Your job is queued.").wait_for()
    job = Job.objects.get()
    assert page.url.endswith(job.get_absolute_url())
    assert job.algorithm == "johnson" and job.options["model"] == candy.pk and job.content == harbour


def test_the_picker_fits_a_phone(studio, open_page) -> None:  # noqa: ANN001
    page = open_page(390, 844)
    card(page, "meadow").click()
    card(page, "Mosaic").click()
    page.wait_for_function("() => document.querySelector('[data-expected]').textContent.startsWith('about')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    tops = {round(box["y"]) for box in (c.bounding_box() for c in page.locator(".pick-card").all()) if box}
    assert len(tops) > 3  # the grids wrap onto several rows
    shot(page, "job-picker-mobile")
