"""Reads: every page and the API fetch studio rows through these, so visibility is decided once.

Lookups for one object raise Http404 when the object is missing *or* not the viewer's to see,
so other people cannot tell the two apart.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gallery.core.runs import run_progress, run_queue_position
from gallery.core.users import User, is_owner
from stylecore.features import weights_status

from . import algorithms
from .models import Album, Job, JobStyle, Result, Upload, Visibility
from .permissions import can_view

T = TypeVar("T", Result, Album)


def uploads_of(user: User, *, kind: str | None = None) -> QuerySet[Upload]:
    uploads = Upload.objects.filter(owner_id=user.pk) if user.is_authenticated else Upload.objects.none()
    return uploads.filter(kind=kind) if kind else uploads


def upload_of(user: User, pk: int) -> Upload:
    upload = uploads_of(user).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


def _jobs_with_inputs(jobs: QuerySet[Job]) -> QuerySet[Job]:
    return jobs.select_related("content", "result").prefetch_related(
        Prefetch("job_styles", queryset=JobStyle.objects.select_related("upload"))
    )


def jobs_of(user: User) -> QuerySet[Job]:
    jobs = Job.objects.filter(owner_id=user.pk) if user.is_authenticated else Job.objects.none()
    return _jobs_with_inputs(jobs)


def job_of(user: User, pk: int) -> Job:
    job = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    return job


def job_rerun_initial(job: Job) -> tuple[dict[str, Any], dict[str, Any]]:
    """The job form's starting values to run `job` again (editable): its algorithm, photo, styles
    with their weights, and its options."""
    initial: dict[str, Any] = {"algorithm": job.algorithm, "content": job.content_id}
    for index, job_style in enumerate(job.job_styles.all(), start=1):
        initial[f"style_{index}"], initial[f"weight_{index}"] = job_style.upload_id, job_style.weight
    return initial, dict(job.options)


def queue_position(job: Job) -> int | None:
    """1 = next to run: its place in the order the worker follows (everyone's first job first, then
    first come, first served; training runs share the queue), so it can grow when someone else's
    first job arrives."""
    return run_queue_position(job)


# A running job asks before it stops once it has a step done or has run this long (a slow first step).
CANCEL_ASKS_AFTER_SECONDS = 20


def cancel_asks_first(job: Job) -> bool:
    """Whether the Cancel button asks first: stopping would end work worth keeping (a queued job just goes)."""
    if job.state != Job.State.RUNNING or job.cancel_requested:
        return False
    return job.step > 0 or (job.elapsed_seconds() or 0) > CANCEL_ASKS_AFTER_SECONDS


def job_progress(job: Job) -> dict[str, Any]:
    """The job page's live data (also what the API returns for a job's progress)."""
    # A succeeded job's result, or the one its owner saved from a stopped job's picture so far.
    result = getattr(job, "result", None) if job.state in (Job.State.SUCCEEDED, Job.State.CANCELLED) else None
    # Named after the stored file, so a new picture (a stopped job's full-size one too) is a new URL.
    version = PurePosixPath(job.preview.name).stem[:12]
    return {
        **run_progress(job),
        "queue_position": queue_position(job),
        "preview_url": f"{reverse('studio:job_preview', args=[job.pk])}?v={version}" if job.preview else None,
        "result_url": result.get_absolute_url() if result else None,
        "cancel_asks_first": cancel_asks_first(job),
        "kept_partial": job.kept_partial,
        "can_save_partial": job.kept_partial and result is None,
    }


def results_of(user: User) -> QuerySet[Result]:
    return Result.objects.filter(owner_id=user.pk) if user.is_authenticated else Result.objects.none()


def results_public() -> QuerySet[Result]:
    return Result.objects.filter(visibility=Visibility.PUBLIC).select_related("owner")


def results_visible_to(user: User) -> QuerySet[Result]:
    """What a listing may show this user: their own results and public ones (unlisted need the link)."""
    visible = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= Q(owner_id=user.pk)
    return Result.objects.filter(visible).select_related("owner")


def result_for_viewer(user: User, token: str) -> Result:
    result = (
        Result.objects.filter(share_token=token)
        .select_related("owner", "job", "job__content", "derived_from__job", "derived_from__job__content")
        .prefetch_related(
            Prefetch("job__job_styles", queryset=JobStyle.objects.select_related("upload")),
            Prefetch("derived_from__job__job_styles", queryset=JobStyle.objects.select_related("upload")),
        )
        .first()
    )
    return _visible(user, result, "result")


def result_for_owner(user: User, token: str) -> Result:
    return _owned(user, result_for_viewer(user, token), "result")


def albums_of(user: User) -> QuerySet[Album]:
    return Album.objects.filter(owner_id=user.pk) if user.is_authenticated else Album.objects.none()


def album_for_viewer(user: User, token: str) -> Album:
    return _visible(user, Album.objects.filter(share_token=token).select_related("owner").first(), "album")


def album_for_owner(user: User, token: str) -> Album:
    return _owned(user, album_for_viewer(user, token), "album")


def _visible(user: User, shared: T | None, what: str) -> T:
    if shared is None or not can_view(user, shared):
        raise Http404(f"No such {what}.")
    return shared


def _owned(user: User, shared: T, what: str) -> T:
    if not is_owner(user, shared):
        raise Http404(f"No such {what}.")
    return shared


def album_results_for_viewer(user: User, album: Album) -> QuerySet[Result]:
    """An album shows what its viewer may see: all of it to the owner; to others, the results the
    owner shared (unlisted or public) - a private result stays private inside a shared album."""
    results = album.results.all()
    if not is_owner(user, album):
        results = results.exclude(visibility=Visibility.PRIVATE)
    return results.order_by("-created_at", "-id")


SWEEP_TASK = "gallery.core.tasks.sweep_stale_runs"  # scheduled every minute: a worker that runs it is alive


def site_health() -> dict[str, Any]:
    """What the site can do right now, for the staff's status panel: the VGG19 weights (present,
    random or missing), each offered algorithm and why it cannot run (None when it can), and
    whether a worker ran the every-minute sweep lately."""
    from django_q.models import Schedule, Task  # django-q2's models: imported once the apps are ready

    last_task = Schedule.objects.filter(func=SWEEP_TASK).values_list("task", flat=True).first()
    last_sweep = Task.objects.filter(id=last_task).values_list("stopped", flat=True).first() if last_task else None
    worker_alive = last_sweep is not None and last_sweep >= timezone.now() - timedelta(minutes=3)
    return {
        "vgg": weights_status(),
        "algorithms": [(entry.label, entry.unavailable_reason()) for entry in algorithms.offered()],
        "worker_alive": worker_alive,
    }
