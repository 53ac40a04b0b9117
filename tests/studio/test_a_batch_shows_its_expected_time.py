"""A batch's expected time is its jobs' added up: on the job page while "Make every pair" is on (every
picked photo with every picked style), and on the batch page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gallery.studio import selectors, services
from gallery.studio.algorithms import GATYS

from .test_the_job_page_shows_the_expected_time import GATYS_FIELDS, result

pytestmark = pytest.mark.django_db


def test_jobs_add_up(owner) -> None:  # noqa: ANN001
    result(owner, seconds=10, steps=100, side=1000)  # 0.1 s per megapixel-step
    options = {"size": 1000, "steps": 300, "scales": 1}
    one = selectors.job_expected_time(GATYS, options=options, width=1000, height=1000)
    three = selectors.jobs_expected_time(GATYS, [(options, 1000, 1000)] * 3)
    assert one["seconds"] == pytest.approx(30) and one["text"].startswith("about 30 s on this worker, about ")
    assert three["seconds"] == pytest.approx(90) and three["text"].startswith("about 2 min on this worker, about ")
    assert three["memory"] == one["memory"]  # the jobs run one at a time: the batch needs one job's memory


def test_the_job_page_asks_for_every_pair(owner, owner_client: Client, upload_factory) -> None:  # noqa: ANN001
    photos = [upload_factory(owner, size=(64, 48)) for _ in range(2)]
    styles = [upload_factory(owner, kind="style") for _ in range(3)]
    result(owner, seconds=10, steps=100, side=1000)
    form = {"algorithm": "gatys", "content": [p.pk for p in photos], "style": [s.pk for s in styles]}
    form |= {f"gatys-{k}": v for k, v in GATYS_FIELDS.items()}
    single = owner_client.get("/jobs/new/estimate.json", form).json()
    pairs = owner_client.get("/jobs/new/estimate.json", form | {"every_pair": "on"}).json()
    assert pairs["seconds"] == pytest.approx(6 * single["seconds"])  # 2 photos x 3 styles


def test_the_batch_page_says_how_long_the_whole_batch_takes(owner, owner_client: Client, upload_factory) -> None:  # noqa: ANN001
    photos = [upload_factory(owner, size=(100, 100)) for _ in range(2)]
    styles = [upload_factory(owner, kind="style") for _ in range(2)]
    result(owner, seconds=10, steps=100, side=1000)  # 0.1 s per megapixel-step
    options = {"size": 1000, "steps": 300, "optimizer": "adam", "scales": 1}
    batch = services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=options)
    assert selectors.batch_expected_time(selectors.batch_of(owner, batch.pk))["seconds"] == pytest.approx(4 * 30)
    page = owner_client.get(reverse("studio:batch_detail", args=[batch.pk])).content.decode()
    assert "the whole batch takes about 2 min on this worker" in page
    services.batch_cancel(batch=batch, by=owner)  # every picture finished (cancelled): nothing left to wait for
    page = owner_client.get(reverse("studio:batch_detail", args=[batch.pk])).content.decode()
    assert "the whole batch takes" not in page
