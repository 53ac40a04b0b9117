"""In a real browser: with "Make every pair" the fast styles become checkboxes, two photos × two fast styles
count as four pictures with their time added up, and the batch they make is titled and columned by the
styles' names, on a desktop and on a 390 px phone.

Screenshots: test-artifacts/fast-batch-job-page.png, fast-batch-grid.png (desktop) and
fast-batch-grid-mobile.png (390 px).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gallery.core import runs
from gallery.studio import services
from gallery.studio.models import Batch, Job
from stylecore.record import RunRecord
from tests.conftest import ARTIFACTS

from .test_the_job_picker_in_a_browser import card, studio  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def open_page(browser, live_server, owner):  # noqa: ANN001, ANN201
    client = Client()
    client.force_login(owner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    contexts = []

    def open_(path: str, width: int, height: int):  # noqa: ANN202
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()


def make_one(job: Job, colour: tuple[int, int, int], folder) -> None:  # noqa: ANN001
    """What the worker would do for `job`: a result, and the job succeeded."""
    output = folder / f"result-{job.pk}.png"
    Image.new("RGB", (240, 180), colour).save(output)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    record = RunRecord(algorithm="johnson", params={"model": "Candy"}, steps_done=1)
    services.result_create(job=job, output=output, record=record)
    runs.run_finish(Job, job.pk, Job.State.SUCCEEDED)


def test_two_photos_through_two_fast_styles_in_a_named_grid(studio, open_page, tmp_path) -> None:  # noqa: ANN001, F811
    page = open_page(reverse("studio:job_create"), 1100, 900)
    fast = page.locator("[data-fast]")
    assert fast.first.get_attribute("type") == "radio"
    page.get_by_label("Make every pair").check()
    assert fast.first.get_attribute("type") == "checkbox"
    for name in ("harbour", "Candy", "Mosaic"):
        card(page, name).click()
    assert page.locator("[data-fast]:checked").count() == 2  # the second did not replace the first
    assert page.locator("[name=algorithm]").input_value() == "johnson"
    # the count says how long all four take (the job page's expected time is the batch's now)
    page.wait_for_function(
        "() => /^\\(4 pictures, about \\d+ s\\)$/.test(document.querySelector('[data-pair-count]').textContent)"
    )
    assert (
        page.locator("[data-pair-count]").text_content()
        == f"(4 pictures, {page.locator('[data-expected]').text_content()})"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fast-batch-job-page.png"), full_page=True)
    page.get_by_role("button", name="Stylize").click()

    page.get_by_role("heading", name="2 photos × Candy, Mosaic").wait_for()
    batch = Batch.objects.get()
    assert page.locator("thead th").all_inner_texts() == ["Styles →\nPhotos ↓", "Candy", "Mosaic"]
    assert page.locator("tbody th").all_inner_texts() == ["meadow", "harbour"]
    assert page.locator("thead img.batch-input").count() == 2  # each style's own picture heads its column
    first = batch.jobs.order_by("id").first()
    make_one(first, (230, 120, 150), tmp_path)
    page.wait_for_function("() => document.querySelector('[data-batch=done]').textContent === '1'")
    assert "the whole batch takes about" in page.locator(".page-head").text_content()
    page.locator(f'[data-cell="{first.pk}"] img').evaluate("(img) => img.decode()")
    page.wait_for_timeout(800)  # the progress bars done sliding
    page.screenshot(path=str(ARTIFACTS / "fast-batch-grid.png"), full_page=True)

    phone = open_page(batch.get_absolute_url(), 390, 844)
    phone.get_by_role("heading", name="2 photos × Candy, Mosaic").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the grid scrolls in its own box
    phone.locator(f'[data-cell="{first.pk}"] img').evaluate("(img) => img.decode()")
    phone.screenshot(path=str(ARTIFACTS / "fast-batch-grid-mobile.png"), full_page=True)
