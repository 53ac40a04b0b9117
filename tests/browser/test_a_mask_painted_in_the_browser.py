"""In a real browser: pick a photo and a style, "Add a mask", paint it over the photo with the mouse (brush,
then eraser), and the job runs on a real worker with that mask; the job page names it. The same painter
works on a 390 px wide phone.

Screenshots: test-artifacts/mask-painter.png, mask-job-form.png, mask-job-done.png, mask-result.png (desktop) and
mask-painter-phone.png, mask-job-form-phone.png (390 px).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from gallery.studio import services
from gallery.studio.models import Job, Upload
from tests.conftest import ARTIFACTS, image_bytes, uploaded

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def context_for(browser, live_server, user, **options: Any):  # noqa: ANN001, ANN201
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def landscape() -> bytes:
    """Sky above, hills below: something to paint a region on."""
    image = Image.new("RGB", (160, 120), (120, 170, 230))
    ImageDraw.Draw(image).polygon([(0, 120), (0, 80), (60, 60), (110, 78), (160, 64), (160, 120)], fill=(60, 120, 70))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def inputs(owner):  # noqa: ANN001, ANN201
    photo = services.upload_create(owner=owner, file=uploaded("harbour.png", landscape()), kind="content")
    style = services.upload_create(owner=owner, file=uploaded("Candy.png", image_bytes((48, 48))), kind="style")
    return photo, style


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def set_range(page, selector: str, value: int) -> None:  # noqa: ANN001
    page.locator(selector).evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", value)


def paint(page, *, shot_name: str) -> dict[str, float]:  # noqa: ANN001
    """Brush over the left half, erase a band across its middle; returns the canvas box."""
    page.locator("summary", has_text="Add a mask").click()
    page.get_by_role("button", name="Paint on the photo").click()
    canvas = page.locator("[data-painter-canvas]")
    canvas.wait_for()
    page.wait_for_function("() => document.querySelector('[data-painter-canvas]').width > 0")
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    set_range(page, "[data-painter-size]", 80)
    for row in range(1, 10):  # brush strokes, side by side, over the left half
        page.mouse.move(x + 0.04 * w, y + row * h / 10)
        page.mouse.down()
        page.mouse.move(x + 0.42 * w, y + row * h / 10, steps=6)
        page.mouse.up()
    page.get_by_label("Eraser").check()
    set_range(page, "[data-painter-size]", 12)
    page.mouse.move(x + 0.02 * w, y + 0.5 * h)
    page.mouse.down()
    page.mouse.move(x + 0.6 * w, y + 0.5 * h, steps=8)
    page.mouse.up()
    shot(page, shot_name)
    page.get_by_role("button", name="Done").click()
    page.get_by_text("Painted mask, sent with the job").wait_for()
    return box


def assert_painted(mask: Upload) -> None:
    """White where the brush went, black where it was erased and where it never went."""
    with mask.image.open("rb") as file, Image.open(file) as image:
        grey = image.convert("L")
        width, height = grey.size
        assert grey.getpixel((int(0.25 * width), int(0.25 * height))) > 200  # brushed
        assert grey.getpixel((int(0.25 * width), int(0.5 * height))) < 50  # erased
        assert grey.getpixel((int(0.8 * width), int(0.3 * height))) < 50  # never painted


def test_a_mask_painted_with_the_mouse_places_the_style(browser, live_server, worker, owner, inputs) -> None:  # noqa: ANN001
    photo, style = inputs
    context = context_for(browser, live_server, owner, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("studio:job_create"))
    page.locator(".pick-card label", has_text="Candy").click()
    assert page.locator(
        "[data-algorithm=gatys] [data-option=unmasked]"
    ).is_hidden()  # it only matters once there is a mask
    paint(page, shot_name="mask-painter")
    assert page.locator("[data-algorithm=gatys] [data-option=unmasked]").is_visible()
    page.locator("summary", has_text="More control").click()
    page.locator("#id_gatys-size").fill("48")
    page.locator("#id_gatys-steps").fill("3")
    page.locator("#id_gatys-scales").fill("1")
    page.locator("#id_gatys-optimizer").select_option("adam")
    shot(page, "mask-job-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Stylize").click()

    job = Job.objects.get()
    mask = job.job_masks.get().upload
    assert mask.title == "Candy on harbour"
    assert_painted(mask)
    worker.wait_for(job.pk, Job.FINISHED_STATES, timeout=200)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.result.params["masks"] == ["Candy on harbour.png"]  # the run record names it
    page.locator("[data-field=result]").wait_for()
    assert page.get_by_text("Mask: Candy on harbour").is_visible()
    shot(page, "mask-job-done")
    page.locator("[data-field=result]").click()
    assert page.get_by_text("Mask · Candy on harbour").is_visible()
    assert page.locator("dd", has_text="Candy on harbour.png").count() == 1  # the run record names the mask
    shot(page, "mask-result")
    context.close()


def test_the_painter_fits_a_390_px_phone(browser, live_server, owner, inputs) -> None:  # noqa: ANN001
    context = context_for(browser, live_server, owner, viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("studio:job_create"))
    page.locator(".pick-card label", has_text="Candy").click()
    box = paint(page, shot_name="mask-painter-phone")
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the whole photo on screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways
    shot(page, "mask-job-form-phone")
    page.locator("summary", has_text="More control").click()
    page.locator("#id_gatys-size").fill("48")
    with page.expect_navigation():
        page.get_by_role("button", name="Stylize").click()
    assert_painted(Job.objects.get().job_masks.get().upload)
    context.close()
