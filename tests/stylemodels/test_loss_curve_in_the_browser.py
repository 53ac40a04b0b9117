"""A real browser opens a running TrainingRun's admin page and sees the loss curve drawn, and growing."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.stylemodels.models import TrainingRun
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def history(steps: int) -> list[dict]:
    return [
        {"step": s, "content": 4.0 / s, "style": 30.0 / s**1.5, "tv": 0.2, "total": 4.0 / s + 30.0 / s**1.5 + 0.2}
        for s in range(1, steps + 1)
    ]


def test_the_training_page_draws_the_live_loss_curve(live_server, staff_user, browser) -> None:  # noqa: ANN001
    now = timezone.now()
    run = TrainingRun.objects.create(
        name="Waves",
        created_by=staff_user,
        state=TrainingRun.State.RUNNING,
        step=5,
        total=12,
        steps=12,
        losses={"content": 0.8, "style": 2.68, "tv": 0.2, "total": 3.68, "images_per_s": 2.5},
        loss_history=history(5),
        started_at=now,
        heartbeat_at=now,
    )
    client = Client()
    client.force_login(staff_user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    try:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + reverse("admin:stylemodels_trainingrun_change", args=[run.pk]))

        total = page.locator('#loss-curve polyline[data-part="total"]')
        total.wait_for()
        box = total.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
        assert page.locator("#loss-curve polyline").count() == 4  # content, style, tv, total
        assert "2.5 images/s" in page.locator("#training-live").inner_text()
        axis = page.locator("#loss-curve text").all_text_contents()
        assert not [label for label in axis if re.fullmatch(r"1e-?\d+\.\d", label)]  # "43.2" or "1.2e-11", not "1e1.6"
        assert not page.locator('[data-field="message"]').is_visible()  # no error, no empty error box

        # the worker writes more steps: the page's poll redraws the curve without a reload
        TrainingRun.objects.filter(pk=run.pk).update(step=9, loss_history=history(9), heartbeat_at=timezone.now())
        page.wait_for_function(
            "() => document.querySelector('#loss-curve polyline[data-part=total]').getAttribute('points')"
            ".trim().split(' ').length === 9",
            timeout=15_000,
        )
        assert page.locator('[data-field="step"]').inner_text() == "9"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "training-loss-curve.png"), full_page=True)
    finally:
        context.close()
