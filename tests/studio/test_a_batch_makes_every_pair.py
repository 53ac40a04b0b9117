"""A batch: one job per photo × style, judged whole before anything is written, its jobs taking turns
with other people's in the queue."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from gallery.core import runs
from gallery.studio import algorithms, selectors, services
from gallery.studio.models import Batch, Job
from stylecore.errors import StylecoreError

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "optimizer": "adam"}


@pytest.fixture
def inputs(owner, upload_factory):  # noqa: ANN001, ANN201
    """Two photos and two styles of the owner's, with names people read."""
    photos = [upload_factory(owner, name="harbour.png"), upload_factory(owner, name="beach.png")]
    styles = [upload_factory(owner, kind="style", name=name) for name in ("Candy.png", "Mosaic.png")]
    return photos, styles


def test_every_photo_goes_with_every_style_on_its_own(owner, inputs):  # noqa: ANN001
    photos, styles = inputs
    batch = services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    progress = selectors.batch_progress(batch)
    assert batch.name == "2 photos × 2 styles · Gatys (optimisation)"
    assert [cell["title"] for cell in progress["cells"]] == [
        "harbour × Candy",
        "harbour × Mosaic",
        "beach × Candy",
        "beach × Mosaic",
    ]
    assert [[cell["style"] for cell in row] for row in selectors.batch_rows(progress)] == [["Candy", "Mosaic"]] * 2
    assert all(job.job_styles.get().weight == 1.0 for job in batch.jobs.all())  # never blended


def test_an_algorithm_without_style_pictures_makes_one_per_photo(owner, inputs):  # noqa: ANN001
    photos, _ = inputs
    batch = services.batch_create(owner=owner, algorithm="denoise", photos=photos, options={})
    assert batch.jobs.count() == 2 and batch.columns == 1


def test_a_batch_over_the_limit_is_refused_before_anything_is_written(owner, inputs, settings):  # noqa: ANN001
    photos, styles = inputs
    settings.STUDIO = {**settings.STUDIO, "MAX_BATCH_JOBS": 3}
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    assert "4 pictures, more than the 3" in str(refused.value)
    assert not Batch.objects.exists() and not Job.objects.exists()


def test_the_whole_batch_counts_against_the_queue_limits(owner, inputs, settings):  # noqa: ANN001
    photos, styles = inputs
    settings.STUDIO = {**settings.STUDIO, "MAX_ACTIVE_JOBS": 3}
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    assert "This batch makes 4 pictures" in " ".join(refused.value.messages)
    assert not Job.objects.exists()


def test_someone_elses_style_or_a_bad_option_refuses_all_of_it(owner, other_user, inputs, upload_factory):  # noqa: ANN001
    photos, styles = inputs
    theirs = upload_factory(other_user, kind="style", name="theirs.png")
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=[*styles, theirs], options=TINY)
    assert refused.value.message_dict == {"styles.2": ["No such style image: choose one of your style images."]}
    with pytest.raises(ValidationError) as refused:
        services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options={**TINY, "size": 1})
    assert list(refused.value.message_dict) == ["options.size"]
    assert len(refused.value.message_dict["options.size"]) == 1  # said once, not once per pair
    assert not Job.objects.exists()


def test_cancel_stops_every_job_not_yet_finished(owner, inputs):  # noqa: ANN001
    photos, styles = inputs
    batch = services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    first = batch.jobs.order_by("id").first()
    Job.objects.filter(pk=first.pk).update(state=Job.State.SUCCEEDED)
    assert services.batch_cancel(batch=batch, by=owner) == 3
    assert sorted(batch.jobs.values_list("state", flat=True)) == ["cancelled"] * 3 + ["succeeded"]


def test_another_persons_single_job_runs_before_the_batchs_second(
    owner, other_user, inputs, upload_factory, monkeypatch
):  # noqa: ANN001
    started: list[int] = []

    def run(config, inputs, on_progress):  # noqa: ANN001, ANN202
        started.append(on_progress.run.pk)
        raise StylecoreError("recorded")

    monkeypatch.setitem(algorithms.REGISTRY, "gatys", dataclasses.replace(algorithms.REGISTRY["gatys"], run=run))
    photos, styles = inputs
    batch = services.batch_create(owner=owner, algorithm="gatys", photos=photos, styles=styles, options=TINY)
    single = services.job_create(
        owner=other_user,
        algorithm="gatys",
        content=upload_factory(other_user),
        styles=[(upload_factory(other_user, kind="style"), 1.0)],
        options=TINY,
    )
    while runs.run_next():
        pass
    first, *rest = batch.jobs.order_by("id").values_list("pk", flat=True)
    assert started == [first, single.pk, *rest]
