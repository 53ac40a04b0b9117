"""In a real browser: the job page's "Make every pair" turns the photo picks into checkboxes and counts the
pictures; the batch it makes shows a grid (a row per photo, a column per style) that one poll keeps live, and
"Cancel the batch" asks first, then stops every picture not yet made.

No worker: the test moves the jobs along itself, the page polls them as usual. The grid is saved as
test-artifacts/batch-grid.png, the job page with two photos picked as
test-artifacts/batch-job-page-every-pair.png.
"""

from __future__ import annotations

from typing import Any

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

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


@pytest.fixture
def page(browser, live_server, owner):  # noqa: ANN001, ANN201
    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def make_one(job: Job, colour: tuple[int, int, int], folder: Any) -> None:  # noqa: ANN401
    """What the worker would do for `job`: a result, and the job succeeded."""
    output = folder / f"result-{job.pk}.png"
    Image.new("RGB", (48, 32), colour).save(output)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    services.result_create(job=job, output=output, record=RunRecord(algorithm="gatys", steps_done=2))
    runs.run_finish(Job, job.pk, Job.State.SUCCEEDED)


def test_every_pair_from_the_job_page_to_a_live_grid_and_cancel(page, live_server, owner, upload_factory, tmp_path):  # noqa: ANN001
    for name in ("harbour.png", "beach.png"):
        upload_factory(owner, name=name, size=(48, 32))
    for name in ("Candy.png", "Mosaic.png"):
        upload_factory(owner, kind="style", name=name)
    page.goto(live_server.url + reverse("studio:job_create"))

    assert page.locator("input[name=content]:checked").count() == 1  # the newest photo, beach
    page.get_by_label("Make every pair").check()
    for name in ("harbour", "Candy", "Mosaic"):
        page.locator(".pick-card label", has_text=name).click()
    assert page.locator("[data-pair-count]").text_content() == "(4 pictures)"
    assert page.locator("input[name=content]:checked").count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch-job-page-every-pair.png"), full_page=True)
    page.get_by_role("button", name="Stylize").click()

    page.get_by_role("heading", name="2 photos × 2 styles · Gatys (optimisation)").wait_for()
    batch = Batch.objects.get()
    # in the job page's order: newest first
    assert page.locator("tbody th").all_inner_texts() == ["beach", "harbour"]
    assert page.locator("thead th").all_inner_texts() == ["Styles →\nPhotos ↓", "Mosaic", "Candy"]
    first, second, *_ = batch.jobs.order_by("id")
    make_one(first, (220, 60, 60), tmp_path)
    now = timezone.now()
    Job.objects.filter(pk=second.pk).update(state=Job.State.RUNNING, step=1, total=2, started_at=now, heartbeat_at=now)
    page.wait_for_function(
        "() => document.querySelector('[data-batch=done]').textContent === '1'"
        " && [...document.querySelectorAll('[data-field=state]')].some((el) => el.textContent === 'Running')"
    )
    made = page.locator(f'[data-cell="{first.pk}"] img')
    assert made.get_attribute("src").endswith("/thumb")
    assert page.locator(f'[data-cell="{second.pk}"] [data-field=percent]').text_content() == "50%"
    made.evaluate("(img) => img.decode()")  # loaded, and the progress bars done sliding, before the picture
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "batch-grid.png"), full_page=True)

    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Cancel the batch").click()
    page.get_by_text("Cancelled 3 pictures not yet made; the pictures already made are kept.").wait_for()
    assert asked == ["Cancel every picture of this batch not yet made? Pictures already made are kept."]
    states = dict(batch.jobs.values_list("pk", "state"))
    assert states.pop(first.pk) == "succeeded" and states.pop(second.pk) == "running"  # asked to stop
    assert list(states.values()) == ["cancelled", "cancelled"]
    assert Job.objects.get(pk=second.pk).cancel_requested
