"""Reads: every page and the API fetch studio rows through these, so visibility is decided once.

Lookups for one object raise Http404 when the object is missing *or* not the viewer's to see,
so other people cannot tell the two apart.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gallery.core.links import link
from gallery.core.runs import QueuePositions, run_progress, run_queue_position, run_queue_positions
from gallery.core.users import User, is_owner
from gallery.stylemodels.models import StyleModel
from stylecore.devices import pick_device
from stylecore.errors import OptionError
from stylecore.features import weights_status
from stylecore.progress import duration

from . import algorithms
from .models import Album, Batch, Job, JobMask, JobStyle, Result, Upload, Visibility
from .permissions import can_view

T = TypeVar("T", Result, Album)
M = TypeVar("M", bound=Model)


def one(rows: QuerySet[M]) -> M | None:
    """The one row a query on a unique key finds, or None. Unlike .first() it asks for no ORDER BY, which took
    Django longer to compile than SQLite to run for a result page's joins (bench/README.md, "Load")."""
    return next(iter(rows.order_by()[:1]), None)


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
        Prefetch("job_styles", queryset=JobStyle.objects.select_related("upload")),
        Prefetch("job_masks", queryset=JobMask.objects.select_related("upload")),
    )


def jobs_of(user: User) -> QuerySet[Job]:
    jobs = Job.objects.filter(owner_id=user.pk) if user.is_authenticated else Job.objects.none()
    return _jobs_with_inputs(jobs)


def job_of(user: User, pk: int) -> Job:
    job = one(jobs_of(user).filter(pk=pk))
    if job is None:
        raise Http404("No such job.")
    return job


# The columns the API's job list shows or its progress reads (stale check, preview, a partial picture kept).
JOB_BRIEF_FIELDS = (
    "id", "algorithm", "options", "content_id", "state", "cancel_requested", "message", "step", "total", "stage",
    "losses", "eta_seconds", "heartbeat_at", "created_at", "started_at", "finished_at", "preview", "partial_record",
)  # fmt: skip


def jobs_brief_of(user: User) -> QuerySet[Job]:
    """The user's jobs with only what the API's job list reads (its result's token, not the result), for
    job_inputs_of: no photo and style rows, no prefetched managers (which cost more than the page's query)."""
    jobs = Job.objects.filter(owner_id=user.pk) if user.is_authenticated else Job.objects.none()
    return jobs.select_related("result").only(*JOB_BRIEF_FIELDS, "result__share_token")


@dataclass(frozen=True)
class JobInputs:
    """A job's style images with their weights, and its masks (job_mask_ids), as ids."""

    styles: list[tuple[int | None, float]]
    masks: list[int | None]


def _mask_ids(masks: Mapping[int, int | None], styles: int) -> list[int | None]:
    if not masks:
        return []
    return [masks.get(index) for index in range(max(styles, 1))]


def job_mask_ids(job: Job) -> list[int | None]:
    """The mask image of each style (or of the model), None where there is none; [] for a job without masks."""
    return _mask_ids({m.position: m.upload_id for m in job.job_masks.all()}, len(job.job_styles.all()))


def job_inputs(job: Job) -> JobInputs:
    return JobInputs([(s.upload_id, s.weight) for s in job.job_styles.all()], job_mask_ids(job))


def job_inputs_of(job_ids: Iterable[int]) -> dict[int, JobInputs]:
    """job_inputs of many jobs from two plain queries (a page of the API's job list)."""
    ids = list(job_ids)
    styles: dict[int, list[tuple[int | None, float]]] = {pk: [] for pk in ids}
    for job_id, upload_id, weight in JobStyle.objects.filter(job_id__in=ids).values_list(
        "job_id", "upload_id", "weight"
    ):
        styles[job_id].append((upload_id, weight))  # in JobStyle's order (position)
    masks: dict[int, dict[int, int | None]] = {pk: {} for pk in ids}
    for job_id, position, upload_id in JobMask.objects.filter(job_id__in=ids).values_list(
        "job_id", "position", "upload_id"
    ):
        masks[job_id][position] = upload_id
    return {pk: JobInputs(styles[pk], _mask_ids(masks[pk], len(styles[pk]))) for pk in ids}


def job_masks_shown(job: Job) -> list[tuple[Upload, str]]:
    """The job's masks that still exist, each with the title of the style it places ("" for a model's
    mask or a style since deleted), for the job and result pages."""
    styles = [s.upload.title if s.upload else "" for s in job.job_styles.all()]
    return [
        (m.upload, styles[m.position] if m.position < len(styles) else "")
        for m in job.job_masks.all()
        if m.upload is not None
    ]


# What job_progress shows and QueuedRun.from_db's staleness check reads: a poll parses no options or records.
PROGRESS_FIELDS = (
    "state", "cancel_requested", "message", "step", "total", "stage", "losses", "eta_seconds",
    "heartbeat_at", "created_at", "started_at", "finished_at", "preview", "partial_record",
)  # fmt: skip


@functools.cache
def _job_progress_sql() -> str:
    """job_progress_of's query, written by the ORM once: the job page polls it every second or two, and compiling
    it took longer than running it (bench/README.md, "Load"). Its parameters: the owner's id, the job's id."""
    return Job.objects.only(*PROGRESS_FIELDS).filter(owner_id=0).filter(pk=0).order_by()[:1].query.sql_with_params()[0]


def job_progress_of(user: User, pk: int) -> Job:
    """The job with what job_progress reads and nothing more (its result is read once it finished): the job page
    polls it."""
    job = next(iter(Job.objects.raw(_job_progress_sql(), [user.pk, pk])), None) if user.is_authenticated else None
    if job is None:
        raise Http404("No such job.")
    return job


def job_rerun_initial(job: Job) -> tuple[dict[str, Any], dict[str, Any]]:
    """The job form's starting values to run `job` again (editable): its algorithm, photo, styles
    (upload ids) with their weights ({upload id: weight}), and its options."""
    job_styles = [s for s in job.job_styles.all() if s.upload_id is not None]
    styles = [s.upload_id for s in job.job_styles.all()]
    initial: dict[str, Any] = {
        "algorithm": job.algorithm,
        "content": job.content_id,
        "style": [s.upload_id for s in job_styles],
        "weights": {s.upload_id: s.weight for s in job_styles},
        # each style's mask again (a fast style's: the "fast" slot)
        "masks": {
            (styles[m.position] if m.position < len(styles) else "fast"): m.upload_id
            for m in job.job_masks.all()
            if m.upload_id is not None
        },
    }
    return initial, dict(job.options)


RECENT_RESULTS = 20  # the expected time follows the site's last results of an algorithm


@dataclass(frozen=True)
class Rate:
    seconds_per_unit: float  # a unit: one step over one megapixel of the result (algorithms.Timing)
    measured: bool  # from this site's results; False: the bench's figure for this device type


def _units(timing: algorithms.Timing, options: Mapping[str, Any], steps: int, pixels: int) -> float:
    if timing.units is not None:
        return timing.units(options, steps, pixels)
    return steps * pixels / 1e6 * timing.pixel_share(options)


def job_rate(entry: algorithms.Algorithm) -> Rate | None:
    """Seconds per unit of `entry` here: the median of its recent finished results, else its
    bench figure for this machine's device; None when neither is known."""
    if entry.timing is None:
        return None
    recent = (
        Result.objects.filter(algorithm=entry.name, stopped=False, seconds__gt=0)
        .order_by("-created_at", "-id")
        .values_list("seconds", "steps_done", "width", "height", "params")[:RECENT_RESULTS]
    )
    rates = []
    for seconds, steps_done, width, height, params in recent:
        units = _units(entry.timing, params or {}, max(steps_done, 1), width * height)
        if units > 0:
            rates.append(seconds / units)
    if rates:
        return Rate(statistics.median(rates), measured=True)
    try:
        fallback = entry.timing.fallback.get(pick_device().type)
    except OptionError:  # STYLECORE_DEVICE names a device this process lacks (the worker's, elsewhere)
        return None
    return Rate(fallback, measured=False) if fallback else None


def result_pixels(options: Mapping[str, Any], width: int, height: int) -> int:
    """The pixels of a result from a `width` x `height` photo: the `size` option is its longer
    side, where the algorithm has one (no size: the photo's own)."""
    size = options.get("size")
    scale = size / max(width, height) if size else 1.0
    return max(1, round(width * scale)) * max(1, round(height * scale))


def job_expected_time(
    entry: algorithms.Algorithm, *, options: Mapping[str, Any], width: int, height: int
) -> dict[str, Any] | None:
    """How long a job of `entry` with these cleaned options should run on a `width` x `height`
    photo: seconds, whether the rate was measured on this site, the peak memory forecast (bytes, or
    None) and the words the job page shows ("about 40 s on this worker, about 1.2 GB of memory");
    None when nothing is known to estimate it."""
    return jobs_expected_time(entry, [(options, width, height)])


def jobs_expected_time(
    entry: algorithms.Algorithm, jobs: Iterable[tuple[Mapping[str, Any], int, int]]
) -> dict[str, Any] | None:
    """job_expected_time of several jobs of `entry` (each its options and photo's width and height),
    added up: a batch's ("about 3 min"); None when nothing is known to estimate it."""
    jobs = list(jobs)
    rate = job_rate(entry)
    if rate is None:
        return None
    units = sum(
        _units(entry.timing, options, entry.timing.planned_steps(options), result_pixels(options, width, height))
        for options, width, height in jobs
    )
    seconds = rate.seconds_per_unit * units
    text = f"about {duration(seconds)}" + (" on this worker" if rate.measured else "")
    memory = None  # the jobs run one at a time: the largest one's peak
    if entry.timing.memory is not None:
        peaks = [entry.timing.memory(options, width, height) for options, width, height in jobs]
        memory = max((peak for peak in peaks if peak is not None), default=None)
    if memory is not None:
        text += f", about {memory / 1e9:.1f} GB of memory"
    return {"seconds": seconds, "measured": rate.measured, "text": text, "memory": memory}


def batch_expected_time(batch: Batch) -> dict[str, Any] | None:
    """How long the whole batch should take: jobs_expected_time of its jobs (those whose photo is
    still there), as they were asked for."""
    entry = algorithms.REGISTRY.get(batch.algorithm)
    jobs = [(job.options, job.content.width, job.content.height) for job in batch_jobs(batch) if job.content]
    return jobs_expected_time(entry, jobs) if entry is not None and jobs else None


def queue_positions(jobs: Iterable[Job] | None = None) -> QueuePositions:
    """Queued runs' places for a list of jobs (job_progress's `positions`): of `jobs` (a page of them), or of every
    queued run, read once."""
    return run_queue_positions(jobs)


def queue_position(job: Job, positions: QueuePositions | None = None) -> int | None:
    """1 = next to run: its place in the order the worker follows (everyone's first job first, then
    first come, first served; training runs share the queue), so it can grow when someone else's
    first job arrives."""
    return run_queue_position(job, positions)


# A running job asks before it stops once it has a step done or has run this long (a slow first step).
CANCEL_ASKS_AFTER_SECONDS = 20


def cancel_asks_first(job: Job) -> bool:
    """Whether the Cancel button asks first: stopping would end work worth keeping (a queued job just goes)."""
    if job.state != Job.State.RUNNING or job.cancel_requested:
        return False
    return job.step > 0 or (job.elapsed_seconds() or 0) > CANCEL_ASKS_AFTER_SECONDS


def job_progress(job: Job, positions: QueuePositions | None = None) -> dict[str, Any]:
    """The job page's live data (also what the API returns for a job's progress); a list passes the queue's
    positions (run_queue_positions), read once for all its jobs."""
    # A succeeded job's result, or the one its owner saved from a stopped job's picture so far.
    result = getattr(job, "result", None) if job.state in (Job.State.SUCCEEDED, Job.State.CANCELLED) else None
    # Named after the stored file, so a new picture (a stopped job's full-size one too) is a new URL.
    version = PurePosixPath(job.preview.name).stem[:12]
    return {
        **run_progress(job),
        "queue_position": queue_position(job, positions),
        "preview_url": f"{link('studio:job_preview', job.pk)}?v={version}" if job.preview else None,
        "result_url": result.get_absolute_url() if result else None,
        "cancel_asks_first": cancel_asks_first(job),
        "kept_partial": job.kept_partial,
        "can_save_partial": job.kept_partial and result is None,
    }


def batches_of(user: User) -> QuerySet[Batch]:
    return Batch.objects.filter(owner_id=user.pk) if user.is_authenticated else Batch.objects.none()


def batches_with_jobs(user: User) -> QuerySet[Batch]:
    """Batches with their jobs and the jobs' inputs, in a fixed number of queries however many are listed."""
    return batches_of(user).prefetch_related(Prefetch("jobs", queryset=_jobs_with_inputs(Job.objects.order_by("id"))))


def batch_of(user: User, pk: int) -> Batch:
    batch = batches_with_jobs(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def batch_jobs(batch: Batch) -> list[Job]:
    """Its jobs in the order they were made: row by row (one photo each), `batch.columns` per row (prefetched
    by batches_with_jobs)."""
    return sorted(batch.jobs.all(), key=lambda job: job.pk)


def batch_fast_styles(jobs: Iterable[Job]) -> dict[int, StyleModel]:
    """The trained models the jobs of fast styles run (their model option), by id, in one query: a
    batch's columns are named after them."""
    wanted = set()
    for job in jobs:
        entry = algorithms.REGISTRY.get(job.algorithm)
        if entry is not None and entry.fast_model_option:
            wanted.add(job.options.get(entry.fast_model_option))
    wanted.discard(None)
    return StyleModel.objects.in_bulk(wanted) if wanted else {}


def _fast_style(job: Job, fast_styles: Mapping[int, StyleModel]) -> StyleModel | None:
    entry = algorithms.REGISTRY.get(job.algorithm)
    option = entry.fast_model_option if entry is not None else None
    return fast_styles.get(job.options.get(option)) if option else None


def batch_cell_names(job: Job, fast_styles: Mapping[int, StyleModel]) -> dict[str, str]:
    """What a batch's cell is called: its photo, its style (a fast style: its model) and both
    ("harbour × Candy"); `fast_styles`: batch_fast_styles."""
    style = " + ".join(s.upload.title for s in job.job_styles.all() if s.upload is not None)
    if not style and (model := _fast_style(job, fast_styles)) is not None:
        style = model.name
    photo = job.content.title if job.content else "deleted photo"
    return {"photo": photo, "style": style, "title": f"{photo} × {style}" if style else photo}


def batch_cell(job: Job, positions: QueuePositions, fast_styles: Mapping[int, StyleModel]) -> dict[str, Any]:
    """One picture of a batch: the job's live data (job_progress) with the names people read."""
    result = getattr(job, "result", None) if job.state == Job.State.SUCCEEDED else None
    model = _fast_style(job, fast_styles)
    return {
        **job_progress(job, positions),
        **batch_cell_names(job, fast_styles),
        "job_url": job.get_absolute_url(),
        "thumbnail_url": link("studio:result_file", result.share_token, "thumb") if result else None,
        # the grid's headers show the inputs: the photo's and the (first) style's own thumbnails, a
        # fast style's picture (or its sample)
        "photo_thumbnail_url": _upload_thumb(job.content_id),
        "style_thumbnail_url": (model.style_url() or model.preview_url() or None)
        if model is not None
        else _upload_thumb(next((s.upload_id for s in job.job_styles.all()), None)),
    }


def _upload_thumb(upload_id: int | None) -> str | None:
    return link("studio:upload_file", upload_id, "thumb") if upload_id else None


def batch_progress(batch: Batch, positions: QueuePositions | None = None) -> dict[str, Any]:
    """The batch page's live data, every cell in one answer (at most MAX_BATCH_JOBS), the queue read once."""
    positions = queue_positions() if positions is None else positions
    jobs = batch_jobs(batch)
    fast_styles = batch_fast_styles(jobs)
    cells = [batch_cell(job, positions, fast_styles) for job in jobs]
    return {
        "id": batch.pk,
        "name": batch.name,
        "columns": batch.columns,
        "finished": all(cell["finished"] for cell in cells),
        "done": sum(cell["state"] == Job.State.SUCCEEDED for cell in cells),
        "total": len(cells),
        "cells": cells,
    }


def batch_rows(progress: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """batch_progress's cells as the grid's rows: one per photo."""
    cells, columns = progress["cells"], progress["columns"]
    return [cells[start : start + columns] for start in range(0, len(cells), columns)]


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
    result = one(
        Result.objects.filter(share_token=token)
        .select_related("owner", "job", "job__content", "derived_from__job", "derived_from__job__content")
        .prefetch_related(
            Prefetch("job__job_styles", queryset=JobStyle.objects.select_related("upload")),
            Prefetch("derived_from__job__job_styles", queryset=JobStyle.objects.select_related("upload")),
            Prefetch("job__job_masks", queryset=JobMask.objects.select_related("upload")),
            Prefetch("derived_from__job__job_masks", queryset=JobMask.objects.select_related("upload")),
        )
    )
    return _visible(user, result, "result")


def result_row_for_viewer(user: User, token: str) -> Result:
    """The result alone, no joins: what its page needs besides its cached pictures and facts, and its files."""
    return _visible(user, one(Result.objects.filter(share_token=token)), "result")


def result_source_job(result: Result) -> Job | None:
    """result.source_job with its photo, styles and masks (what a result page's pictures show), read on demand."""
    if result.job_id is not None:
        jobs = Job.objects.filter(pk=result.job_id)
    elif result.derived_from_id is not None:
        jobs = Job.objects.filter(result__pk=result.derived_from_id)
    else:
        return None
    return one(_jobs_with_inputs(jobs))


def result_for_owner(user: User, token: str) -> Result:
    return _owned(user, result_for_viewer(user, token), "result")


def albums_of(user: User) -> QuerySet[Album]:
    return Album.objects.filter(owner_id=user.pk) if user.is_authenticated else Album.objects.none()


def albums_listed(user: User) -> QuerySet[Album]:
    """The albums page: each with its result_count, counted in the one query."""
    return albums_of(user).annotate(result_count=Count("results"))


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
        "algorithms": [(entry.label, entry.unavailable_reason(staff=True)) for entry in algorithms.offered()],
        "worker_alive": worker_alive,
    }
