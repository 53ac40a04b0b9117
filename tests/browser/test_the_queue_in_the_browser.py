"""In a real browser: a queued job's page shows its place in the fair queue, and a person at their
queue limit who starts another job is told why on the form, their choices kept.

Screenshots: test-artifacts/job-queued-position.png, test-artifacts/job-refused-queue-limit.png.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from gallery.studio import services
from gallery.studio.models import Job
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


@pytest.fixture
def page(browser, live_server, owner):  # noqa: ANN001, ANN201
    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def queue_gatys(person, upload_factory) -> Job:  # noqa: ANN001
    return services.job_create(
        owner=person,
        algorithm="gatys",
        content=upload_factory(person, name="harbour.png", size=(96, 64)),
        styles=[(upload_factory(person, kind="style", name="waves.png"), 1.0)],
        options={"size": 256, "steps": 200},
    )


def test_a_queued_job_shows_its_place_in_the_fair_queue(page, live_server, owner, other_user, upload_factory):  # noqa: ANN001
    queue_gatys(owner, upload_factory)
    second = queue_gatys(owner, upload_factory)
    queue_gatys(other_user, upload_factory)  # everyone's first job comes before anyone's second

    page.goto(live_server.url + second.get_absolute_url())
    page.get_by_text("Waiting in the queue (position 3)").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "job-queued-position.png", full_page=True)


def test_a_person_at_their_limit_is_told_why_on_the_job_form(page, live_server, owner, upload_factory, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_ACTIVE_JOBS": 1}
    queue_gatys(owner, upload_factory)

    page.goto(live_server.url + "/jobs/new/")
    page.locator(".pick-card label", has_text="harbour").first.click()
    page.locator(".pick-card label", has_text="waves").first.click()
    page.locator("summary", has_text="More control").click()
    page.locator("#id_gatys-steps").fill("150")
    page.get_by_role("button", name="Stylize").click()

    page.get_by_text("You have 1 job queued or running, the most one person may have").wait_for()
    assert page.locator("#id_gatys-steps").input_value() == "150"
    assert Job.objects.filter(owner=owner).count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "job-refused-queue-limit.png", full_page=True)
