"""In a real browser: Cancel asks first on a job with work worth keeping (and dismissing keeps it
running), a queued job cancels without asking, and a stopped job's picture is saved as a result.

The job rows are set up in the test process (no worker needed); the page polls them as usual.
The cancelled page with its save button is saved as test-artifacts/job-cancelled-partial.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gallery.studio import services
from gallery.studio.models import Job, Result
from tests.conftest import ARTIFACTS
from tests.helpers.stopped_jobs import stop_mid_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

QUESTION = "Stop this job? The picture so far is kept and you can save it."


@pytest.fixture
def job(owner, upload_factory) -> Job:  # noqa: ANN001
    return services.job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner, name="harbour.png", size=(96, 64)),
        styles=[(upload_factory(owner, kind="style", name="waves.png"), 1.0)],
        options={"size": 480, "steps": 300},
    )


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


def dialogs_answered(page: Any, *, accept: bool) -> list[str]:  # noqa: ANN401
    """Answer every confirm() on the page the same way; returns the questions asked, as they come."""
    asked: list[str] = []

    def answer(dialog: Any) -> None:  # noqa: ANN401
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    return asked


def test_cancel_asks_first_on_a_running_job_and_dismissing_keeps_it_running(page, live_server, job: Job) -> None:  # noqa: ANN001
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, step=40, total=300, started_at=now, heartbeat_at=now)
    asked = dialogs_answered(page, accept=False)
    page.goto(live_server.url + job.get_absolute_url())
    page.get_by_text("Step 40 of 300").wait_for()

    page.get_by_role("button", name="Cancel").click()
    page.wait_for_timeout(500)  # a form that posted anyway would have reloaded the page by now

    assert asked == [QUESTION]
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and not job.cancel_requested
    assert page.get_by_role("button", name="Cancel").is_enabled()


def test_accepting_the_question_stops_the_job(page, live_server, job: Job) -> None:  # noqa: ANN001
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, step=40, total=300, started_at=now, heartbeat_at=now)
    asked = dialogs_answered(page, accept=True)
    page.goto(live_server.url + job.get_absolute_url())
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Stopping…").wait_for()
    assert asked == [QUESTION] and Job.objects.get(pk=job.pk).cancel_requested


def test_a_queued_job_cancels_without_asking(page, live_server, job: Job) -> None:  # noqa: ANN001
    asked = dialogs_answered(page, accept=False)
    page.goto(live_server.url + job.get_absolute_url())
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("The job was cancelled.").wait_for()
    assert asked == [] and Job.objects.get(pk=job.pk).state == Job.State.CANCELLED


def test_a_stopped_jobs_picture_is_shown_and_saved_as_a_result(page, live_server, job: Job) -> None:  # noqa: ANN001
    job = stop_mid_run(job, steps_done=120, total=300, size=(480, 320))
    page.goto(live_server.url + job.get_absolute_url())
    page.get_by_text("Stopped at step 120 of 300").wait_for()
    picture = page.locator("[data-field=preview]")
    picture.wait_for()
    assert picture.evaluate("img => img.naturalWidth") == 480  # the full-size picture, not the preview
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "job-cancelled-partial.png", full_page=True)

    page.get_by_role("button", name="Save as a result").click()
    page.get_by_text("Saved as a result.").wait_for()
    assert page.get_by_text("120 steps (stopped early)").is_visible()
    assert Result.objects.get(job=job).stopped


def test_the_open_job_page_offers_the_save_once_the_worker_stops_the_job(page, live_server, job: Job) -> None:  # noqa: ANN001
    page.goto(live_server.url + job.get_absolute_url())
    save = page.get_by_role("button", name="Save as a result")
    assert save.is_hidden()
    stop_mid_run(job, steps_done=120, total=300, size=(480, 320))  # meanwhile, in the worker

    save.wait_for()  # the page's poll shows it, with the full-size picture
    assert page.get_by_text("Stopped at step 120 of 300").is_visible()
    page.wait_for_function("() => document.querySelector('[data-field=preview]').naturalWidth === 480")
    assert page.get_by_role("button", name="Cancel").is_hidden()
