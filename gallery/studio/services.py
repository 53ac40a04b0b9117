"""Writes: every change to uploads, jobs, results and albums goes through these functions.

Views, the API, admin actions and worker tasks call them; they validate (raising Django's
ValidationError keyed by field) and they assume the caller fetched the objects through
selectors.py for the acting user, re-checking ownership where a mistake would leak or destroy.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gallery.core.files import delete_files_on_commit, local_copy, studio_setting
from stylecore.errors import ImageError, StylecoreError
from stylecore.images import inspect_image, load_image

from . import algorithms
from .imaging import FORMAT_EXTENSIONS, flatten, jpeg_file
from .models import Album, Job, JobStyle, Result, Upload, Visibility
from .permissions import User, require_owner
from .progress import Heartbeat, ProgressWriter

logger = logging.getLogger(__name__)

WORKER_DIED_MESSAGE = (
    "The worker stopped during this job (killed, out of memory or over the time limit). Start it again."
)
UNEXPECTED_ERROR_MESSAGE = "Something went wrong in the worker while running this job; the error was logged."
ALLOWED_DECLARED_TYPES = ("image/", "application/octet-stream")


def title_from_filename(name: str) -> str:
    """'my_holiday-photo.JPG' -> 'my holiday photo' (the title; the stored name is a uuid)."""
    stem = PurePosixPath(name or "").stem
    title = re.sub(r"[\s_\-]+", " ", stem).strip()
    return title[:200] or "Untitled"


# --- Uploads ---------------------------------------------------------------------------------


def upload_create(*, owner: User, file: UploadedFile, kind: str, title: str | None = None) -> Upload:
    """Validate the image (really decoded, every limit applied), then store it and its thumbnail.

    Nothing is saved unless the image is accepted; a bad file raises ValidationError({"file": ...}).
    """
    if kind not in Upload.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(Upload.Kind.values)}."})
    max_bytes = studio_setting("MAX_UPLOAD_BYTES")
    if file.size is not None and file.size > max_bytes:
        raise ValidationError({"file": f"The file is too large: at most {max_bytes // 2**20} MB."})
    declared = (getattr(file, "content_type", None) or "").lower()
    if declared and not declared.startswith(ALLOWED_DECLARED_TYPES):
        raise ValidationError({"file": f"The file was sent as {declared}, not as an image."})
    try:
        file.seek(0)
        info = inspect_image(file)
        file.seek(0)
        loaded = load_image(file)
    except ImageError as error:
        raise ValidationError({"file": str(error)}) from None
    finally:
        file.seek(0)

    upload = Upload(
        owner=owner,
        kind=kind,
        title=(title or "").strip()[:200] or title_from_filename(file.name),
        format=info.format,
        width=info.width,
        height=info.height,
        mode=info.mode,
        frames=info.frames,
        size_bytes=file.size or 0,
    )
    extension = FORMAT_EXTENSIONS.get(info.format, "img")
    try:
        upload.image.save(f"upload.{extension}", File(file), save=False)
        upload.thumbnail.save(
            "thumb.jpg", jpeg_file(flatten(loaded), max_side=studio_setting("THUMBNAIL_SIZE")), save=False
        )
        with transaction.atomic():
            upload.save()
    except BaseException:
        for stored in (upload.image, upload.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
        raise
    return upload


@transaction.atomic
def upload_delete(*, upload: Upload, by: User) -> None:
    """Delete an upload and its files; jobs and results made from it keep their own records."""
    require_owner(by, upload)
    delete_files_on_commit(upload.image, upload.thumbnail)
    upload.delete()


# --- Jobs ------------------------------------------------------------------------------------


def job_create(
    *,
    owner: User,
    algorithm: str,
    content: Upload | None,
    styles: Sequence[tuple[Upload, float]] = (),
    options: Mapping[str, Any] | None = None,
    listed_only: bool = True,
) -> Job:
    """Validate a request, create its Job and enqueue it once the transaction commits.

    Pages and the API may only ask for listed algorithms; an unlisted one (videos) is created
    by its own app's service, which checks its inputs and passes ``listed_only=False``.

    `styles` pairs each style upload with its blend weight. `options` are the algorithm's
    option values (missing ones take their defaults); stylecore's config validates their
    ranges, so the page and the API give the same errors, keyed by option name.
    """
    entry = algorithms.get_algorithm(algorithm)
    if listed_only and not entry.offered:
        raise ValidationError({"algorithm": f"Unknown algorithm {algorithm!r}."})
    errors: dict[str, list[str]] = {}
    if content is None and entry.prepare_inputs is None:
        errors["content"] = ["Choose a photo."]
    elif content is not None and content.owner_id != owner.pk:
        errors["content"] = ["Choose one of your own photos."]
    if any(upload.owner_id != owner.pk for upload, _ in styles):
        errors["styles"] = ["Choose your own style images."]
    elif not entry.min_styles <= len(styles) <= entry.max_styles:
        if entry.max_styles == 0:
            errors["styles"] = [f"{entry.label} takes no style image."]
        else:
            errors["styles"] = [f"Choose between {entry.min_styles} and {entry.max_styles} style images."]
    weights = [float(weight) for _, weight in styles]
    if any(not weight > 0 for weight in weights):  # also refuses NaN
        errors["styles"] = ["Blend weights must be positive numbers."]
    try:
        cleaned = algorithms.clean_options(entry, options or {}, weights)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        job = Job.objects.create(owner=owner, algorithm=entry.name, options=cleaned, content=content)
        JobStyle.objects.bulk_create(
            JobStyle(job=job, upload=upload, weight=weight, position=index)
            for index, (upload, weight) in enumerate(zip((u for u, _ in styles), weights, strict=True))
        )
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> None:
    """Hand the job to the worker queue (called after commit, so the worker finds the row)."""
    from django_q.tasks import async_task

    task_id = async_task("gallery.studio.tasks.run_job", job_id, task_name=f"job-{job_id}")
    Job.objects.filter(pk=job_id).update(task_id=task_id or "")


def job_cancel(*, job: Job, by: User) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop (the worker sees the
    flag within about a second and ends it as cancelled)."""
    require_owner(by, job)
    now = timezone.now()
    cancelled_in_queue = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED, cancel_requested=True, finished_at=now
    )
    if not cancelled_in_queue:
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def _finish(job_id: int, state: str, message: str = "", *, from_states: Sequence[str] = (Job.State.RUNNING,)) -> bool:
    """Move a job to a final state unless someone else already did (returns whether it moved)."""
    return bool(
        Job.objects.filter(pk=job_id, state__in=from_states).update(
            state=state, message=message, finished_at=timezone.now(), eta_seconds=None
        )
    )


def job_is_stale(job: Job) -> bool:
    if job.state != Job.State.RUNNING:
        return False
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    return (timezone.now() - last_sign).total_seconds() > studio_setting("STALE_AFTER")


def job_fail_if_stale(job: Job) -> Job:
    """A "running" job whose worker stopped beating is failed (checked whenever a job is read)."""
    if job_is_stale(job) and _finish(job.pk, Job.State.FAILED, WORKER_DIED_MESSAGE):
        logger.warning("job %s: no heartbeat for %.0f s, marked failed", job.pk, studio_setting("STALE_AFTER"))
        job.refresh_from_db()
    return job


def jobs_fail_stale() -> int:
    """The periodic sweep (a django-q2 schedule): fail every running job with a stale heartbeat."""
    count = 0
    for job in Job.objects.filter(state=Job.State.RUNNING):
        if job_is_stale(job) and _finish(job.pk, Job.State.FAILED, WORKER_DIED_MESSAGE):
            logger.warning("job %s: no heartbeat, marked failed by the sweep", job.pk)
            count += 1
    return count


def _start(job_id: int) -> Job | None:
    """Claim a queued job for this worker; None when there is nothing to run.

    A job found already "running" was started by a worker that died (django-q2 hands the task
    out again after `retry` seconds): it is failed rather than re-run, since the same input
    would likely kill the worker again.
    """
    with transaction.atomic():
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s: no such job (deleted?)", job_id)
            return None
        if job.state == Job.State.RUNNING:
            _finish(job.pk, Job.State.FAILED, WORKER_DIED_MESSAGE)
            logger.warning("job %s: redelivered while running, marked failed", job_id)
            return None
        if job.state != Job.State.QUEUED:
            return None  # cancelled while queued, or already finished
        now = timezone.now()
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=now, heartbeat_at=now)
    job.refresh_from_db()
    return job


def job_execute(*, job_id: int) -> None:
    """Run one job in the worker: claim it, run its algorithm with live progress, store the result.

    Bad input (StylecoreError, e.g. WeightsError) fails the job with stylecore's message; any
    other exception fails it with a generic message and is logged.
    """
    job = _start(job_id)
    if job is None:
        return
    entry = algorithms.REGISTRY.get(job.algorithm)
    job_styles = list(job.job_styles.select_related("upload"))
    try:
        if entry is None:
            raise StylecoreError(f"The algorithm {job.algorithm!r} is no longer available.")
        if (job.content is None and entry.prepare_inputs is None) or any(s.upload is None for s in job_styles):
            raise StylecoreError("An image this job needs was deleted before it ran.")
        config = entry.build_config(job.options, [s.weight for s in job_styles])
        with tempfile.TemporaryDirectory(prefix=f"job-{job.pk}-") as scratch:
            folder = Path(scratch)
            if entry.prepare_inputs is not None:
                inputs = entry.prepare_inputs(job, folder)
            else:
                inputs = algorithms.RunInputs(
                    content=local_copy(job.content.image, folder, "content"),
                    styles=[local_copy(s.upload.image, folder, f"style-{i}") for i, s in enumerate(job_styles)],
                    output=folder / f"result{entry.output_suffix}",
                )
            writer = ProgressWriter(job, interval=studio_setting("PROGRESS_INTERVAL"))
            with Heartbeat(job.pk, interval=studio_setting("HEARTBEAT_INTERVAL")):
                record = entry.run(config, inputs, writer)
            writer.flush()
            if record.stopped:
                _finish(job.pk, Job.State.CANCELLED, "Cancelled while running.")
                return
            with transaction.atomic():
                if Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).exists():
                    (entry.store_output or result_create)(job=job, output=inputs.output, record=record)
                    _finish(job.pk, Job.State.SUCCEEDED)
    except StylecoreError as error:
        logger.info("job %s failed: %s", job.pk, error)
        _finish(job.pk, Job.State.FAILED, str(error))
    except Exception:
        logger.exception("job %s: unexpected error", job.pk)
        _finish(job.pk, Job.State.FAILED, UNEXPECTED_ERROR_MESSAGE)


# --- Results ---------------------------------------------------------------------------------


def _result_title(job: Job) -> str:
    content = job.content.title if job.content else "photo"
    styles = [s.upload.title for s in job.job_styles.all() if s.upload]
    if not styles:
        return f"{content} ({algorithms.REGISTRY[job.algorithm].label})"[:200]
    return f"{content} × {' + '.join(styles)}"[:200]


def result_create(*, job: Job, output: Path, record: Any) -> Result:
    """Store a finished run's file, thumbnail and RunRecord as the job's Result."""
    loaded = load_image(output)
    result = Result(
        owner_id=job.owner_id,
        job=job,
        title=_result_title(job),
        width=loaded.rgb.width,
        height=loaded.rgb.height,
        algorithm=record.algorithm,
        params=record.params,
        device=record.device,
        seconds=record.seconds,
        weights_source=record.weights,
        random_weights=record.random_weights,
        steps_done=record.steps_done,
        stopped=record.stopped,
        final_losses=record.final_losses,
    )
    try:
        with output.open("rb") as data:
            result.image.save(f"result{output.suffix}", File(data), save=False)
        result.thumbnail.save(
            "thumb.jpg", jpeg_file(flatten(loaded), max_side=studio_setting("THUMBNAIL_SIZE")), save=False
        )
        result.save()
    except BaseException:
        for stored in (result.image, result.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
        raise
    return result


def result_update(*, result: Result, by: User, title: str | None = None, visibility: str | None = None) -> Result:
    require_owner(by, result)
    if title is not None:
        title = title.strip()
        if not title:
            raise ValidationError({"title": "Give the result a title."})
        result.title = title[:200]
    if visibility is not None:
        if visibility not in Visibility.values:
            raise ValidationError({"visibility": "Choose private, unlisted or public."})
        result.visibility = visibility
    result.save(update_fields=["title", "visibility"])
    return result


@transaction.atomic
def result_delete(*, result: Result, by: User) -> None:
    require_owner(by, result)
    delete_files_on_commit(result.image, result.thumbnail)
    result.delete()


# --- Albums ----------------------------------------------------------------------------------


def _album_fields(title: str, visibility: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the album a title."})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose private, unlisted or public."})
    return title[:120], visibility


def album_create(*, owner: User, title: str, description: str = "", visibility: str = Visibility.PRIVATE) -> Album:
    title, visibility = _album_fields(title, visibility)
    return Album.objects.create(owner=owner, title=title, description=description.strip(), visibility=visibility)


def album_update(*, album: Album, by: User, title: str, description: str = "", visibility: str) -> Album:
    require_owner(by, album)
    album.title, album.visibility = _album_fields(title, visibility)
    album.description = description.strip()
    album.save()
    return album


def album_delete(*, album: Album, by: User) -> None:
    """Delete the album only; its results stay in "My results"."""
    require_owner(by, album)
    album.delete()


def album_add_result(*, album: Album, result: Result, by: User) -> None:
    require_owner(by, album)
    require_owner(by, result)
    album.results.add(result)
    album.save(update_fields=["updated_at"])


def album_remove_result(*, album: Album, result: Result, by: User) -> None:
    require_owner(by, album)
    album.results.remove(result)
    album.save(update_fields=["updated_at"])
