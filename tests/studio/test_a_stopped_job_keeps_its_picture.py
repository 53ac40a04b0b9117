"""A job stopped mid-run keeps its picture so far at full size; its owner may save it as a result,
once. Cancel asks first only when stopping would end work worth keeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gallery.studio import selectors, services
from gallery.studio.models import Job, Result
from tests.conftest import image_bytes
from tests.helpers.stopped_jobs import stop_mid_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(owner, upload_factory) -> Job:  # noqa: ANN001
    return services.job_create(
        owner=owner,
        algorithm="gatys",
        content=upload_factory(owner, name="harbour.png"),
        styles=[(upload_factory(owner, kind="style", name="waves.png"), 1.0)],
        options={"size": 32, "steps": 10},
    )


def previews_on_disk(settings, job: Job) -> set[str]:  # noqa: ANN001
    """The stored previews of the job's owner (the media folder is the whole run's: compare before and after)."""
    folder = settings.MEDIA_ROOT / str(job.owner_id) / "previews"
    return {f"{job.owner_id}/previews/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def test_a_job_stopped_mid_run_keeps_its_picture_at_full_size_in_place_of_the_preview(job: Job, settings):  # noqa: ANN001
    before = previews_on_disk(settings, job)
    job = stop_mid_run(job, steps_done=3, total=10, size=(64, 48))

    assert job.state == Job.State.CANCELLED and (job.step, job.total) == (3, 10)
    assert job.partial_record["stopped"] is True and job.partial_record["steps_done"] == 3
    with job.preview.open("rb") as stored, Image.open(stored) as picture:
        assert picture.size == (64, 48) and picture.format == "PNG"
    assert previews_on_disk(settings, job) - before == {job.preview.name}  # the low-res one is gone
    progress = selectors.job_progress(job)
    assert progress["kept_partial"] and progress["can_save_partial"] and progress["result_url"] is None


def test_the_cancelled_job_page_says_where_it_stopped_and_offers_to_save(job: Job, owner_client: Client):
    job = stop_mid_run(job, steps_done=3, total=10)
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Stopped at step 3 of 10" in page
    save_form = page.split(f'action="{reverse("studio:job_save_partial", args=[job.pk])}"', 1)[1].split(">", 1)[0]
    assert " hidden" not in save_form and "Save as a result" in page
    assert 'name="csrfmiddlewaretoken"' in page.split("Save as a result", 1)[0].rsplit("<form", 1)[1]


def test_saving_makes_a_normal_result_marked_stopped_early(job: Job, owner, settings):  # noqa: ANN001
    job = stop_mid_run(job, steps_done=3, size=(64, 48))
    result = services.job_save_partial(job=job, by=owner)

    assert result.job_id == job.pk and result.owner_id == owner.pk
    assert result.stopped and result.steps_done == 3 and result.random_weights
    assert (result.width, result.height) == (64, 48) and result.title == "harbour × waves"
    assert result.image.storage.exists(result.image.name) and result.thumbnail.storage.exists(result.thumbnail.name)
    job = selectors.job_of(owner, job.pk)
    progress = selectors.job_progress(job)
    assert progress["result_url"] == result.get_absolute_url() and not progress["can_save_partial"]


def test_saving_twice_gives_the_same_result(job: Job, owner):  # noqa: ANN001
    job = stop_mid_run(job)
    first = services.job_save_partial(job=job, by=owner)
    second = services.job_save_partial(job=Job.objects.get(pk=job.pk), by=owner)
    assert second.pk == first.pk and Result.objects.filter(job=job).count() == 1


def test_only_the_owner_may_save(job: Job, other_user):  # noqa: ANN001
    job = stop_mid_run(job)
    with pytest.raises(PermissionDenied):
        services.job_save_partial(job=job, by=other_user)
    assert not Result.objects.exists()


def test_a_job_stopped_before_its_first_step_has_nothing_to_save(job: Job, owner):  # noqa: ANN001
    job = stop_mid_run(job, steps_done=0)
    assert job.state == Job.State.CANCELLED and job.partial_record is None
    with pytest.raises(ValidationError, match="kept no picture"):
        services.job_save_partial(job=job, by=owner)


def test_a_preview_kept_without_a_partial_picture_offers_nothing(job: Job, owner, owner_client: Client):  # noqa: ANN001
    """Jobs cancelled before this change kept their low-res preview, but no picture to save."""
    Job.objects.filter(pk=job.pk).update(state=Job.State.CANCELLED, step=4, total=10)
    job.preview.save("preview.jpg", ContentFile(image_bytes(format="JPEG")))
    assert not selectors.job_progress(selectors.job_of(owner, job.pk))["can_save_partial"]
    with pytest.raises(ValidationError):
        services.job_save_partial(job=job, by=owner)
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Latest preview" in page and "Stopped at step" not in page


def test_a_job_cancelled_while_queued_keeps_nothing(job: Job, owner):  # noqa: ANN001
    job = services.job_cancel(job=job, by=owner)
    assert job.state == Job.State.CANCELLED and not job.kept_partial
    with pytest.raises(ValidationError):
        services.job_save_partial(job=job, by=owner)


def test_the_save_button_posts_and_leads_to_the_result_page(job: Job, owner_client: Client):
    job = stop_mid_run(job, steps_done=3)
    response = owner_client.post(reverse("studio:job_save_partial", args=[job.pk]), follow=True)
    result = Result.objects.get(job=job)
    assert response.redirect_chain[-1][0] == result.get_absolute_url()
    page = response.content.decode()
    assert "Saved as a result." in page and "3 steps (stopped early)" in page
    again = owner_client.post(reverse("studio:job_save_partial", args=[job.pk]))
    assert again["Location"] == result.get_absolute_url() and Result.objects.count() == 1
    assert "See the result" in owner_client.get(job.get_absolute_url()).content.decode()


def test_the_save_button_on_a_job_with_nothing_to_save_says_so(job: Job, owner_client: Client):
    response = owner_client.post(reverse("studio:job_save_partial", args=[job.pk]), follow=True)
    assert response.redirect_chain[-1][0] == job.get_absolute_url()
    assert "This job kept no picture to save." in response.content.decode() and not Result.objects.exists()


@pytest.mark.parametrize("remove", ["job", "owner"])
def test_deleting_the_job_or_its_owner_removes_the_kept_picture(
    remove: str,
    job: Job,
    owner,  # noqa: ANN001
    settings,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
):
    job = stop_mid_run(job)
    assert job.preview.name in previews_on_disk(settings, job)
    with django_capture_on_commit_callbacks(execute=True):
        (job if remove == "job" else owner).delete()
    assert job.preview.name not in previews_on_disk(settings, job)


def running(job: Job, *, step: int, seconds: float, cancel_requested: bool = False) -> Job:
    started = timezone.now() - timedelta(seconds=seconds)
    fields = {"step": step, "total": 10, "started_at": started, "heartbeat_at": timezone.now()}
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, cancel_requested=cancel_requested, **fields)
    return Job.objects.get(pk=job.pk)


def test_cancel_asks_first_only_when_stopping_ends_work_worth_keeping(job: Job):
    assert not selectors.cancel_asks_first(job)  # queued: it just goes
    assert not selectors.cancel_asks_first(running(job, step=0, seconds=2))  # only just started
    assert selectors.cancel_asks_first(running(job, step=1, seconds=2))
    assert selectors.cancel_asks_first(running(job, step=0, seconds=25))  # a long first step
    assert not selectors.cancel_asks_first(running(job, step=5, seconds=25, cancel_requested=True))


def test_the_cancel_form_carries_the_question_and_says_when_it_applies(job: Job, owner_client: Client):
    question = "Stop this job? The picture so far is kept and you can save it."
    queued = owner_client.get(job.get_absolute_url()).content.decode()
    assert question in queued and "data-confirm-skip" in queued
    running(job, step=2, seconds=5)
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert question in page and "data-confirm-skip" not in page
