"""Writes: every change to uploads, jobs, results and albums goes through these functions.

Views, the API, admin actions and worker tasks call them. They are the only judges of their
input: ownership and kind of every image, option values, limits (from the algorithm registry
and settings). Errors are Django ValidationErrors under canonical keys - "content", "styles",
"algorithm", "options.<name>", "__all__" (the queue limits) - that gallery.core.errors maps onto
page forms and the API answers the same way.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum

from gallery.core import runs
from gallery.core.conf import studio_setting
from gallery.core.errors import messages_by_key, prefixed
from gallery.core.files import delete_with_files, files_kept_only_if_saved, local_copy, title_from_filename
from gallery.core.images import FORMAT_EXTENSIONS, flatten, jpeg_file
from gallery.core.users import User, require_owner
from stylecore import finish
from stylecore.errors import ImageError, OptionError, StylecoreError
from stylecore.images import LoadedImage, load_image
from stylecore.masks import check_mask
from stylecore.record import RunRecord

from . import algorithms
from .models import Album, Batch, Job, JobMask, JobStyle, Result, Upload, Visibility

logger = logging.getLogger(__name__)

ALLOWED_DECLARED_TYPES = ("image/", "application/octet-stream")
RESULT_FILES = ("image", "thumbnail", "full_image", "photo_image")
# An upload given by row or by id: either way the service looks it up again for its owner.
UploadRef = Upload | int


# --- Uploads ---------------------------------------------------------------------------------


def _thumbnail(loaded: LoadedImage) -> File:
    return jpeg_file(flatten(loaded), max_side=studio_setting("THUMBNAIL_SIZE"))


def _check_kind(kind: str) -> None:
    if kind not in Upload.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(Upload.Kind.values)}."})


def upload_create(*, owner: User, file: UploadedFile, kind: str, title: str | None = None) -> Upload:
    """Validate the image (really decoded, every limit applied), then store it and its thumbnail.

    Nothing is saved unless the image is accepted; a bad file raises ValidationError({"file": ...}).
    """
    _check_kind(kind)
    max_bytes = studio_setting("MAX_UPLOAD_BYTES")
    if file.size is not None and file.size > max_bytes:
        raise ValidationError({"file": f"The file is too large: at most {max_bytes // 2**20} MB."})
    declared = (getattr(file, "content_type", None) or "").lower()
    if declared and not declared.startswith(ALLOWED_DECLARED_TYPES):
        raise ValidationError({"file": f"The file was sent as {declared}, not as an image."})
    try:
        file.seek(0)
        loaded = load_image(file, max_bytes=max_bytes)
    except ImageError as error:
        raise ValidationError({"file": str(error)}) from None
    finally:
        file.seek(0)
    if kind == Upload.Kind.MASK:
        _check_mask(file)
    info = loaded.info
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
    with files_kept_only_if_saved(upload, "image", "thumbnail"):
        upload.image.save(f"upload.{FORMAT_EXTENSIONS.get(info.format, 'img')}", File(file), save=False)
        upload.thumbnail.save("thumb.jpg", _thumbnail(loaded), save=False)
        upload.save()
    return upload


def _check_mask(file: UploadedFile) -> None:
    """stylecore's mask checks (it covers something), on a scratch copy: it reads paths."""
    with tempfile.TemporaryDirectory(prefix="mask-") as scratch:
        path = Path(scratch) / "mask"
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        file.seek(0)
        try:
            check_mask(path)
        except ImageError as error:  # MaskError is one
            raise ValidationError({"file": str(error)}) from None


class RefusedFile(NamedTuple):
    name: str  # as the sender named it
    reason: str


def uploads_create(
    *, owner: User, files: Sequence[UploadedFile], kind: str, title: str | None = None
) -> tuple[list[Upload], list[RefusedFile]]:
    """Several images of one kind at once, each judged on its own by upload_create: the good ones are
    saved even when others are refused. The title names a lone file only; with several, each is named
    after its file. No files, more than MAX_FILES_PER_UPLOAD or a bad kind raise before anything is saved.
    """
    _check_kind(kind)
    most = studio_setting("MAX_FILES_PER_UPLOAD")
    if not files:
        raise ValidationError({"file": "Choose at least one image."})
    if len(files) > most:
        raise ValidationError({"file": f"Send at most {most} images at once ({len(files)} were chosen)."})
    title = title if len(files) == 1 else None
    created: list[Upload] = []
    refused: list[RefusedFile] = []
    for file in files:
        try:
            created.append(upload_create(owner=owner, file=file, kind=kind, title=title))
        except ValidationError as error:
            refused.append(RefusedFile(file.name, " ".join(error.messages)))
    return created, refused


@transaction.atomic
def upload_delete(*, upload: Upload, by: User) -> None:
    """Delete an upload and its files; jobs and results made from it keep their own records."""
    require_owner(by, upload)
    delete_with_files(upload, "image", "thumbnail")


# --- Jobs ------------------------------------------------------------------------------------


def _pk(ref: UploadRef) -> int:
    return ref.pk if isinstance(ref, Upload) else ref


def _own_upload(owner: User, ref: UploadRef | None, kind: str) -> Upload | None:
    """The owner's upload of `kind` that `ref` names; None for a missing one, someone else's or
    the wrong kind alike (so nobody learns what other people have)."""
    if ref is None:
        return None
    return Upload.objects.filter(owner_id=owner.pk, kind=kind, pk=_pk(ref)).first()


def _judge_styles(
    owner: User,
    entry: algorithms.Algorithm,
    styles: Sequence[tuple[UploadRef, float]],
    errors: dict[str, list[str]],
    *,
    masked: bool = False,
) -> list[tuple[Upload, float]]:
    fewest, most = entry.style_limits_for(masked)
    if not fewest <= len(styles) <= most:  # judged before any lookup: a request may name thousands
        errors["styles"] = [_style_count_message(entry, fewest, most)]
        return []
    owned = Upload.objects.filter(owner_id=owner.pk, kind=Upload.Kind.STYLE).in_bulk([_pk(ref) for ref, _ in styles])
    chosen = []
    for index, (ref, weight) in enumerate(styles):
        upload = owned.get(_pk(ref))
        if upload is None:
            errors[f"styles.{index}.id"] = ["No such style image: choose one of your style images."]
        chosen.append((upload, float(weight)))
    if any(not weight > 0 for _, weight in chosen):  # also refuses NaN
        errors["styles"] = ["Blend weights must be positive numbers."]
    return chosen


def _judge_masks(
    owner: User,
    entry: algorithms.Algorithm,
    masks: Sequence[UploadRef | None],
    styles: int,
    errors: dict[str, list[str]],
) -> list[Upload | None]:
    """One mask (or None: "the rest") per style, or per model for an entry without style images;
    each the owner's upload of kind mask. No masks, or only Nones: the whole picture, as before."""
    if not any(ref is not None for ref in masks):
        return []
    if not entry.takes_masks:
        errors["masks"] = [f"{entry.label} takes no masks."]
        return []
    wanted = styles if entry.style_limits[1] > 0 else 1
    if len(masks) != wanted:  # judged before any lookup: a request may name thousands
        errors["masks"] = [
            f"Give one mask per style ({wanted}), or none: {len(masks)} were given."
            if entry.style_limits[1] > 0
            else f"{entry.label} takes one mask, for its style model."
        ]
        return []
    owned = Upload.objects.filter(owner_id=owner.pk, kind=Upload.Kind.MASK).in_bulk(
        [_pk(ref) for ref in masks if ref is not None]
    )
    chosen: list[Upload | None] = []
    for index, ref in enumerate(masks):
        upload = owned.get(_pk(ref)) if ref is not None else None
        if ref is not None and upload is None:
            errors[f"masks.{index}"] = ["No such mask: upload or paint one."]
        chosen.append(upload)
    return chosen


def _style_count_message(entry: algorithms.Algorithm, fewest: int, most: int) -> str:
    if most == 0:
        return f"{entry.label} takes no style image."
    if fewest == most:
        return f"{entry.label} takes exactly {'one style image' if most == 1 else f'{most} style images'}."
    return f"Choose between {fewest} and {most} style images."


def _megapixel_steps(work: int) -> str:
    value = work / 1e6
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _judge_queue(owner: User, work: int, jobs: int = 1) -> None:
    """One person cannot fill the queue for everyone: at most MAX_ACTIVE_JOBS jobs queued or running,
    and at most MAX_QUEUED_WORK (megapixel-steps, algorithms' `work`) queued, counting the `jobs` asked
    for now (a batch: all of its jobs, so it is judged whole). Staff have no limit."""
    if owner.is_staff:
        return
    what = "job" if jobs == 1 else "batch"
    active = Job.objects.filter(owner_id=owner.pk, state__in=runs.ACTIVE_STATES)
    most = studio_setting("MAX_ACTIVE_JOBS")
    count = active.count()
    if count + jobs > most:
        message = (
            f"You have {most} {'job' if most == 1 else 'jobs'} queued or running, the most "
            "one person may have: wait for one to finish, or cancel one."
            if jobs == 1
            else f"This batch makes {jobs} pictures; with the {count} jobs you have queued or running that is "
            f"more than the {most} one person may have: choose fewer photos or styles, or wait for some to finish."
        )
        raise ValidationError({NON_FIELD_ERRORS: message})
    queued = active.filter(state=Job.State.QUEUED).aggregate(total=Sum("work"))["total"] or 0
    limit = studio_setting("MAX_QUEUED_WORK")
    if queued + work > limit * 1_000_000:
        message = (
            f"This {what} alone is {_megapixel_steps(work)} megapixel-steps of work (pixels × steps), more than "
            f"the {limit:,} one person may queue: make it smaller (fewer pixels or steps)."
            if not queued
            else f"With this {what} your queued work would add up to {_megapixel_steps(queued + work)} "
            f"megapixel-steps (pixels × steps), more than the {limit:,} one person may queue: wait for your "
            f"queued jobs to start, or make this {what} smaller."
        )
        raise ValidationError({NON_FIELD_ERRORS: message})


class JobRequest(NamedTuple):
    """A judged job request, ready to write (_write_job)."""

    entry: algorithms.Algorithm
    photo: Upload | None
    styles: list[tuple[Upload, float]]
    options: dict[str, Any]
    work: int
    masks: list[Upload | None] = []  # one per style (or per model), or none


def job_create(
    *,
    owner: User,
    algorithm: str,
    content: UploadRef | None,
    styles: Sequence[tuple[UploadRef, float]] = (),
    options: Mapping[str, Any] | None = None,
    masks: Sequence[UploadRef | None] = (),
    listed_only: bool = True,
) -> Job:
    """Judge a request, create its Job and enqueue it once the transaction commits.

    `content` and each style are the owner's uploads (rows or ids) of the right kind; `styles`
    pairs each with its blend weight; `options` are the algorithm's option values (missing ones
    take their defaults), range-checked by its stylecore config. `masks`: the owner's mask uploads,
    one per style (None: that style covers the rest; Johnson: one, for its model), errors under
    "masks" and "masks.<index>". Pages and the API may only ask
    for offered algorithms; an entry with its own input (videos) is created by its app's service
    with ``listed_only=False``, and judges that input through the registry's `check_input`. A
    valid request is then judged against the owner's queue limits (`_judge_queue`, "__all__").
    """
    judged = _judge_job(
        owner=owner,
        algorithm=algorithm,
        content=content,
        styles=styles,
        options=options,
        masks=masks,
        listed_only=listed_only,
    )
    with transaction.atomic():  # on SQLite this holds the write lock: two requests cannot both pass the limits
        _judge_queue(owner, judged.work)
        return _write_job(owner, judged)


def _judge_job(
    *,
    owner: User,
    algorithm: str,
    content: UploadRef | None,
    styles: Sequence[tuple[UploadRef, float]],
    options: Mapping[str, Any] | None,
    masks: Sequence[UploadRef | None] = (),
    listed_only: bool = True,
) -> JobRequest:
    """Everything job_create judges but the queue limits; one ValidationError with every problem."""
    entry = algorithms.get_algorithm(algorithm)
    if listed_only and not entry.offered:
        raise ValidationError({"algorithm": f"Unknown algorithm {algorithm!r}."})
    if reason := entry.weights_missing():  # it would only fail in the worker
        raise ValidationError({"algorithm": f"{entry.label} {reason}."})
    errors: dict[str, list[str]] = {}
    photo = _own_upload(owner, content, Upload.Kind.CONTENT)
    if entry.takes_photo and photo is None:
        errors["content"] = ["No such photo: choose one of your photos."]
    chosen = _judge_styles(owner, entry, styles, errors, masked=any(ref is not None for ref in masks))
    chosen_masks = _judge_masks(owner, entry, masks, len(styles), errors)
    if entry.check_input is not None:
        for field, message in entry.check_input(owner, options or {}).items():
            errors.setdefault(field, []).append(message)
    try:
        cleaned = algorithms.clean_options(entry, options or {}, [weight for _, weight in chosen])
    except ValidationError as error:
        for field, messages in prefixed(error, "options.", keep={"styles"}).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not chosen_masks:  # what uncovered pixels become means nothing without masks: kept out of the job's options
        cleaned.pop("unmasked", None)
    return JobRequest(entry, photo, chosen, cleaned, entry.work(cleaned, photo), chosen_masks)


def _write_job(owner: User, judged: JobRequest, batch: Batch | None = None) -> Job:
    """Write a judged request's Job and JobStyles and give it its place in the queue (inside the
    caller's transaction, which judged the queue limits)."""
    job = Job.objects.create(
        owner=owner,
        algorithm=judged.entry.name,
        options=judged.options,
        content=judged.photo,
        work=judged.work,
        batch=batch,
    )
    JobStyle.objects.bulk_create(
        JobStyle(job=job, upload=upload, weight=weight, position=index)
        for index, (upload, weight) in enumerate(judged.styles)
    )
    JobMask.objects.bulk_create(
        JobMask(job=job, upload=upload, position=index) for index, upload in enumerate(judged.masks) if upload
    )
    runs.run_enqueue_on_commit(job)
    return job


def job_cancel(*, job: Job, by: User) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop (the worker sees the
    flag within about a second and ends it as cancelled)."""
    require_owner(by, job)
    return runs.run_cancel(job)


# --- Batches ---------------------------------------------------------------------------------


BATCH_MASKS = "A batch cannot use masks (each is drawn for one photo): make one picture at a time to use masks."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _owned_in_order(owner: User, refs: Sequence[UploadRef], kind: str, key: str, errors: dict) -> list[Upload]:
    """The owner's uploads of `kind` that `refs` name, in order, each once; a missing one (or someone
    else's) is an error under "<key>.<index>"."""
    wanted = list(dict.fromkeys(_pk(ref) for ref in refs))
    owned = Upload.objects.filter(owner_id=owner.pk, kind=kind).in_bulk(wanted)
    noun = "photo" if kind == Upload.Kind.CONTENT else "style image"
    for index, pk in enumerate(wanted):
        if pk not in owned:
            errors[f"{key}.{index}"] = [f"No such {noun}: choose one of your {noun}s."]
    return [owned[pk] for pk in wanted if pk in owned]


def _offered_models(entry: algorithms.Algorithm, refs: Sequence[int], errors: dict) -> list[Any]:
    """The fast-style models `refs` name, in order, each once: those the entry's model option offers
    (enabled ones); another is an error under "models.<index>"."""
    wanted = list(dict.fromkeys(refs))
    offered = entry.options_form().fields[entry.fast_model_option].queryset.in_bulk(wanted)
    for index, pk in enumerate(wanted):
        if pk not in offered:
            errors[f"models.{index}"] = ["No such style model: choose one of the fast styles offered."]
    return [offered[pk] for pk in wanted if pk in offered]


def batch_create(
    *,
    owner: User,
    algorithm: str,
    photos: Sequence[UploadRef],
    styles: Sequence[UploadRef] = (),
    models: Sequence[int] = (),
    options: Mapping[str, Any] | None = None,
    name: str = "",
    masks: Sequence[UploadRef | None] = (),
) -> Batch:
    """Every pair of `photos` and `styles` (each style on its own, weight 1) as one Job each, all or
    none. An algorithm that takes no style picture but a trained model per style (a fast style) pairs
    the photos with `models` instead (the ids of enabled models; none: the model its options name);
    one with neither makes one job per photo. Every pair is judged like job_create's request, then
    the whole batch against MAX_BATCH_JOBS and the owner's queue limits, before anything is written.
    Each job joins the queue on its own, one round after the last (core.runs), so other people's
    jobs run in between.

    Errors: "photos", "photos.<i>", "styles", "styles.<i>", "models", "models.<i>", "masks", job_create's
    other keys, "__all__".
    """
    entry = algorithms.get_algorithm(algorithm)
    takes_styles = entry.style_limits[1] > 0
    errors: dict[str, list[str]] = {}
    if any(ref is not None for ref in masks):  # a mask is drawn for one photo
        errors["masks"] = [BATCH_MASKS]
    if not photos:
        errors["photos"] = ["Choose at least one photo."]
    if takes_styles and not styles:
        errors["styles"] = ["Choose at least one style."]
    elif not takes_styles and styles:
        errors["styles"] = [f"{entry.label} takes no style image."]
    if models and not entry.fast_model_option:
        errors["models"] = [f"{entry.label} takes no list of style models."]
    columns = max(len(set(map(_pk, styles))), len(set(models)), 1)
    pairs = len(set(map(_pk, photos))) * columns
    most = studio_setting("MAX_BATCH_JOBS")
    if pairs > most:  # judged before any lookup: a request may name thousands
        raise ValidationError(
            {NON_FIELD_ERRORS: f"This batch would make {pairs} pictures, more than the {most} one batch may make."}
        )
    chosen_photos = _owned_in_order(owner, photos, Upload.Kind.CONTENT, "photos", errors)
    chosen_styles = _owned_in_order(owner, styles, Upload.Kind.STYLE, "styles", errors)
    chosen_models = _offered_models(entry, models, errors) if models and not errors.get("models") else []
    if errors:
        raise ValidationError(errors)
    # each pair: its style picture, or the fast style's model as its option
    columns_of = [([(style, 1.0)], options or {}) for style in chosen_styles] or [
        ([], {**(options or {}), entry.fast_model_option: model.pk}) for model in chosen_models
    ]
    judged = []
    for photo in chosen_photos:
        for pair_styles, pair_options in columns_of or [([], options)]:
            try:
                judged.append(
                    _judge_job(
                        owner=owner,
                        algorithm=algorithm,
                        content=photo,
                        styles=pair_styles,
                        options=pair_options,
                    )
                )
            except ValidationError as error:  # the same options fail every pair alike: each message once
                for key, messages in messages_by_key(error).items():
                    known = errors.setdefault(key, [])
                    known.extend(m for m in messages if m not in known)
    if errors:
        raise ValidationError(errors)
    photos_label = _plural(len(chosen_photos), "photo")
    if chosen_models:  # the fast styles by name: the entry's label says less
        label = f"{photos_label} × {', '.join(model.name for model in chosen_models)}"
    else:
        label = photos_label + (f" × {_plural(len(chosen_styles), 'style')}" if chosen_styles else "")
        label += f" · {entry.label}"
    with transaction.atomic():
        _judge_queue(owner, sum(request.work for request in judged), jobs=len(judged))
        batch = Batch.objects.create(
            owner=owner,
            algorithm=entry.name,
            name=(name.strip() or label)[:200],
            columns=max(len(columns_of), 1),
        )
        for request in judged:
            _write_job(owner, request, batch)
    return batch


def batch_cancel(*, batch: Batch, by: User) -> int:
    """Cancel every job of the batch still queued or running (running ones are asked to stop); returns
    how many were."""
    require_owner(by, batch)
    active = list(batch.jobs.filter(state__in=runs.ACTIVE_STATES))
    for job in active:
        runs.run_cancel(job)
    return len(active)


def job_execute(*, job_id: int) -> bool:
    """Run one job in the worker: claim it, run its algorithm with live progress, store the result.
    Returns whether it claimed the job (False: it was not queued)."""
    return runs.run_execute(Job, job_id, _run_job)


def _run_job(job: Job) -> None:
    entry = algorithms.REGISTRY.get(job.algorithm)
    job_styles = list(job.job_styles.select_related("upload"))
    job_masks = list(job.job_masks.select_related("upload"))
    if entry is None:
        raise StylecoreError(f"The algorithm {job.algorithm!r} is no longer available.")
    if (entry.takes_photo and job.content is None) or any(s.upload is None for s in [*job_styles, *job_masks]):
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
                layers=folder / "layers",
                masks=_mask_copies(job_masks, len(job_styles), folder),
            )
        with runs.reporting(job) as writer:
            record = entry.run(config, inputs, writer)
        if record.stopped:
            # A video entry stores its own output; a run stopped before its first step made no picture.
            keep = entry.store_output is None and record.steps_done > 0 and inputs.output.exists()
            _finish_stopped(job, inputs.output if keep else None, record)
            return
        with transaction.atomic():
            if Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).exists():
                if entry.store_output is not None:
                    entry.store_output(job=job, output=inputs.output, record=record)
                else:
                    result_create(job=job, output=inputs.output, record=record, layers=inputs.layers)
                runs.run_finish(Job, job.pk, Job.State.SUCCEEDED)


def _mask_copies(job_masks: list[JobMask], styles: int, folder: Path) -> list[Path | None]:
    """Local copies of a job's masks, one entry per style (per model: at least one), None for a
    style without one; no masks: an empty list (the whole picture). Each copy is named after its
    title, which is how the run record names it ("harbour sky.png")."""
    if not job_masks:
        return []
    by_position = {}
    for mask in job_masks:
        own = folder / f"mask-{mask.position}"
        own.mkdir()
        by_position[mask.position] = local_copy(mask.upload.image, own, _file_stem(mask.upload.title))
    return [by_position.get(index) for index in range(max(styles, 1))]


def _file_stem(title: str) -> str:
    return re.sub(r"[^\w .-]+", "_", title).strip(" .") or "mask"


def _finish_stopped(job: Job, output: Path | None, record: RunRecord) -> None:
    """End a stopped run as cancelled. Its picture so far (`output`, if any) replaces the low-res
    preview at full size, and its record waits in the row until the owner saves it (job_save_partial)."""
    if output is None:
        runs.run_finish(Job, job.pk, Job.State.CANCELLED, "Cancelled while running.")
        return
    old = job.preview.name
    with output.open("rb") as data:
        job.preview.save(f"partial{output.suffix}", File(data), save=False)
    kept = False
    try:
        kept = runs.run_finish(
            Job,
            job.pk,
            Job.State.CANCELLED,
            "Cancelled while running.",
            preview=job.preview.name,
            partial_record=record.to_dict(),
        )
    finally:  # one file stays: the new one, unless the row ended otherwise meanwhile (deleted, failed)
        unused = old if kept else job.preview.name
        if unused:
            job.preview.storage.delete(unused)


def job_save_partial(*, job: Job, by: User) -> Result:
    """Save the picture a stopped job kept as a normal result, marked stopped early with the steps
    it did. Saving again gives the same result."""
    require_owner(by, job)
    saved = Result.objects.filter(job_id=job.pk).first()
    if saved is not None:
        return saved
    if not job.kept_partial:
        raise ValidationError("This job kept no picture to save.")
    with tempfile.TemporaryDirectory(prefix=f"job-{job.pk}-partial-") as scratch:
        output = local_copy(job.preview, Path(scratch), "partial")
        try:
            with transaction.atomic():
                return result_create(job=job, output=output, record=RunRecord(**job.partial_record))
        except IntegrityError:  # a second save at the same moment: the first one made it
            return Result.objects.get(job_id=job.pk)


# --- Results ---------------------------------------------------------------------------------


def _result_title(job: Job, record: RunRecord) -> str:
    """ "harbour × Candy": the photo and its styles, or the trained model a style network ran (the
    name its record gives it); else the algorithm ("harbour (Denoise (ZS-N2N))")."""
    content = job.content.title if job.content else "photo"
    styles = [s.upload.title for s in job.job_styles.all() if s.upload] or [record.params.get("model")]
    if not all(styles):
        return f"{content} ({algorithms.REGISTRY[job.algorithm].label})"[:200]
    return f"{content} × {' + '.join(styles)}"[:200]


def result_create(
    *,
    job: Job | None,
    output: Path,
    record: RunRecord,
    title: str | None = None,
    layers: Path | None = None,
    owner_id: int | None = None,
    derived_from: Result | None = None,
) -> Result:
    """Store a run's file, thumbnail and RunRecord as a Result: the job's, or (with `derived_from`)
    one saved from another result. `layers`: the folder where the run kept its strength layers
    (stylecore.finish), stored with it when they are there."""
    loaded = load_image(output)
    result = Result(
        owner_id=job.owner_id if job is not None else owner_id,
        job=job,
        derived_from=derived_from,
        title=(title or _result_title(job, record))[:200],
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
    with files_kept_only_if_saved(result, *RESULT_FILES):
        with output.open("rb") as data:
            result.image.save(f"result{output.suffix}", File(data), save=False)
        result.thumbnail.save("thumb.jpg", _thumbnail(loaded), save=False)
        if layers is not None and (layers / finish.FULL_LAYER).is_file() and (layers / finish.PHOTO_LAYER).is_file():
            with (layers / finish.FULL_LAYER).open("rb") as full, (layers / finish.PHOTO_LAYER).open("rb") as photo:
                result.full_image.save("full.png", File(full), save=False)
                result.photo_image.save("photo.png", File(photo), save=False)
        result.save()
    return result


def result_restrength(*, result: Result, strength: Any, by: User) -> Result:
    """Save the result again at another style strength, blended from its layers (no job runs).

    The new result keeps the layers, so its strength can change again, and points back to the
    result it came from for its inputs and settings.
    """
    require_owner(by, result)
    if not result.has_layers:
        raise ValidationError(
            {
                "strength": "This result has no layers to change its strength (videos, denoising "
                "and results from before strength existed)."
            }
        )
    try:
        strength = float(strength)
        finish.FinishOptions(strength=strength)
    except (TypeError, ValueError):
        raise ValidationError({"strength": "Strength must be a number between 0 and 1."}) from None
    except OptionError as error:
        raise ValidationError({"strength": f"Strength {error.message}."}) from None
    record = result.run_record()
    source = result.derived_from if result.derived_from is not None else result
    with tempfile.TemporaryDirectory(prefix="restrength-") as scratch:
        folder = Path(scratch)
        layers = folder / "layers"
        layers.mkdir()
        local_copy(result.full_image, layers, finish.FULL_LAYER.removesuffix(".png"))
        local_copy(result.photo_image, layers, finish.PHOTO_LAYER.removesuffix(".png"))
        output = folder / "result.png"
        finish.restrength_files(layers, output, strength, record=record)
        return result_create(
            job=None,
            output=output,
            record=record,
            title=f"{source.title} · strength {round(strength * 100)}%",
            layers=layers,
            owner_id=result.owner_id,
            derived_from=source,
        )


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
    delete_with_files(result, *RESULT_FILES)


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
