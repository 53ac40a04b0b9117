"""Writes for style models, training runs and compare groups.

Admin views, actions and worker tasks call these. A model file is checked (safe loader, expected
layout, one tiny forward pass) before anything is stored; a training run is a QueuedRun, so it
has the same lifecycle as a studio job (gallery.core.runs).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from gallery.core import runs
from gallery.core.conf import studio_setting
from gallery.core.errors import messages_by_key
from gallery.core.files import delete_with_files, files_kept_only_if_saved, local_copy
from gallery.core.images import FORMAT_EXTENSIONS
from gallery.core.users import User
from gallery.studio import algorithms as studio_algorithms
from gallery.studio import services as studio_services
from gallery.studio.models import JobStyle, Upload
from stylecore import chen, johnson, modelfile, samples
from stylecore.errors import ImageError, ModelFileError, OptionError, StylecoreError
from stylecore.fetch import Fetched
from stylecore.images import inspect_image
from stylecore.modelcheck import CheckedModel, check_model_file, convert_pth
from stylecore.progress import Progress

from .models import CompareGroup, Kind, ModelStyleCopy, StyleModel, TrainingRun
from .photos import build_photo_folder

logger = logging.getLogger(__name__)

MAX_MODEL_BYTES = 200 * 2**20  # the standard Johnson network is ~7 MB, a Chen decoder ~2 MB
MAX_HISTORY_POINTS = 600  # loss history points kept per training run; older ones are thinned


# --- Model files -------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "model"
    slug, index = base, 2
    while StyleModel.objects.filter(slug=slug).exists():
        slug, index = f"{base}-{index}", index + 1
    return slug


def _check_style_image(style_image: BinaryIO | None) -> str | None:
    """The stored extension for a valid style image; ValidationError({"style_image": ...}) otherwise."""
    if style_image is None:
        return None
    try:
        style_image.seek(0)
        info = inspect_image(style_image)
    except ImageError as error:
        raise ValidationError({"style_image": str(error)}) from None
    finally:
        style_image.seek(0)
    return FORMAT_EXTENSIONS.get(info.format, "img")


def style_model_import(
    *,
    file: UploadedFile,
    name: str,
    created_by: User | None,
    description: str = "",
    style_image: UploadedFile | None = None,
    enabled: bool = False,
) -> StyleModel:
    """Check an uploaded model file and store it (a .pth is converted to our safetensors format).

    Nothing is stored unless the file passes: a bad one raises ValidationError({"file": ...}).
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the model a name."})
    if file.size is not None and file.size > MAX_MODEL_BYTES:
        raise ValidationError({"file": f"The file is too large: at most {MAX_MODEL_BYTES // 2**20} MB."})
    style_ext = _check_style_image(style_image)
    original_name = PurePosixPath(file.name or "").name
    with tempfile.TemporaryDirectory(prefix="model-upload-") as scratch:
        # errors name the file as staff know it; the stored name is chosen by the server
        uploaded = Path(scratch) / (get_valid_filename(original_name) or "upload.bin")
        with uploaded.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            checked = check_model_file(uploaded)
        except StylecoreError as error:
            raise ValidationError({"file": f"This model file was refused: {error}"}) from None
        stored = uploaded
        if checked.from_pth:
            stored = convert_pth(uploaded, Path(scratch) / "model.safetensors", style=name, original_name=original_name)
        model = _create_model(
            stored,
            checked,
            style_image=(style_image, style_ext) if style_image is not None else None,
            name=name[:120],
            slug=_unique_slug(name),
            description=description.strip(),
            enabled=enabled,
            created_by=created_by,
            source=StyleModel.Source.IMPORTED_PTH if checked.from_pth else StyleModel.Source.UPLOADED,
        )
    _make_preview_or_log(model)
    return model


def style_model_from_catalogue(*, fetched: Fetched) -> StyleModel | None:
    """An enabled StyleModel (with its style image and preview) for a fetched catalogue network;
    None when one was made from this catalogue entry before (running the fetch twice changes nothing)."""
    entry = fetched.entry
    if StyleModel.objects.filter(catalogue_name=entry.name).exists():
        return None
    checked = check_model_file(fetched.path)
    image = fetched.style_image
    with image.open("rb") if image is not None else contextlib.nullcontext() as handle:
        model = _create_model(
            fetched.path,
            checked,
            style_image=(handle, _check_style_image(handle)) if handle is not None else None,
            name=entry.title[:120],
            slug=_unique_slug(entry.name),
            description=f"{entry.title}, from the model catalogue ({entry.licence}; {entry.source}).",
            enabled=True,
            created_by=None,
            source=StyleModel.Source.CATALOGUE,
            catalogue_name=entry.name,
        )
    _make_preview_or_log(model)
    return model


def _create_model(
    path: Path, checked: CheckedModel, *, style_image: tuple[BinaryIO, str] | None, **fields: Any
) -> StyleModel:
    """Store a checked .safetensors file (and its style image) as a StyleModel row; no orphan files."""
    model = StyleModel(
        kind=checked.kind,
        variant=checked.variant,
        training_params=checked.metadata.get("training", {}),
        **fields,
    )
    with files_kept_only_if_saved(model, "file", "style_image"):
        with path.open("rb") as data:
            model.file.save("model.safetensors", File(data), save=False)
        if style_image is not None:
            image, extension = style_image
            model.style_image.save(f"style.{extension}", File(image), save=False)
        model.save()
    return model


def style_model_make_preview(*, style_model: StyleModel) -> StyleModel:
    """Run the model on the fixed sample photo and store that as its preview (replacing the old one)."""
    with tempfile.TemporaryDirectory(prefix="model-preview-") as scratch:
        folder = Path(scratch)
        model_path = local_copy(style_model.file, folder, "model")
        photo = samples.write_sample_photo(folder / "photo.png")
        output = folder / "preview.png"
        if style_model.kind == Kind.JOHNSON:
            johnson.run_files(model_path, photo, output)
        else:
            style = (
                local_copy(style_model.style_image, folder, "style")
                if style_model.style_image
                else samples.write_sample_style(folder / "style.png")
            )
            config = chen.ChenConfig(style_size=samples.SAMPLE_SIDE)
            chen.run_files(photo, style, output, config, decoder=model_path)
        old = style_model.preview.name
        with output.open("rb") as data:
            style_model.preview.save("preview.png", File(data), save=False)
    style_model.save(update_fields=["preview", "updated_at"])
    if old:
        style_model.preview.storage.delete(old)
    return style_model


def _make_preview_or_log(style_model: StyleModel) -> None:
    """A preview that cannot be made (e.g. VGG weights unavailable for a Chen decoder) does not undo
    the import: the admin shows no thumbnail and "Regenerate preview" can try again."""
    try:
        style_model_make_preview(style_model=style_model)
    except StylecoreError:
        logger.warning("style model %s: no preview", style_model.slug, exc_info=True)


def style_models_set_enabled(*, queryset: QuerySet[StyleModel], enabled: bool) -> int:
    return queryset.update(enabled=enabled, updated_at=timezone.now())


@transaction.atomic
def style_model_delete(*, style_model: StyleModel) -> None:
    delete_with_files(style_model, "file", "preview", "style_image")


def style_upload_from_model(*, owner: User, model: StyleModel) -> Upload:
    """The owner's own style upload of an enabled model's style picture, so jobs can take it like any
    style of theirs: copied on first use, the same upload every later time (one per user and model)."""
    if not (model.enabled and model.style_image):
        raise ValidationError({"styles": f"The style “{model.name}” is no longer offered: choose another."})
    copy = ModelStyleCopy.objects.filter(owner_id=owner.pk, style_model=model).select_related("upload").first()
    if copy is not None:
        return copy.upload
    with model.style_image.open("rb") as handle:
        data = handle.read()
    name = f"style{PurePosixPath(model.style_image.name).suffix}"
    upload = studio_services.upload_create(
        owner=owner,
        file=SimpleUploadedFile(name, data, "application/octet-stream"),
        kind=Upload.Kind.STYLE,
        title=model.name,
    )
    try:
        with transaction.atomic():
            ModelStyleCopy.objects.create(owner=owner, style_model=model, upload=upload)
    except IntegrityError:  # a request at the same moment copied it first: keep that one
        studio_services.upload_delete(upload=upload, by=owner)
        return ModelStyleCopy.objects.select_related("upload").get(owner_id=owner.pk, style_model=model).upload
    return upload


# --- Training runs -----------------------------------------------------------------------------


def training_dir(run: TrainingRun) -> Path:
    """The worker's local folder for one run: photos built from a zip, the checkpoint, the model."""
    return Path(settings.MEDIA_ROOT) / "models" / "training" / str(run.pk)


def _config(run: TrainingRun) -> johnson.TrainConfig | chen.DecoderTrainConfig:
    common = {
        "size": run.size,
        "batch": run.batch,
        "steps": run.steps,
        "checkpoint_every": run.checkpoint_every,
        "preview_every": studio_setting("PREVIEW_EVERY"),
    }
    if run.kind == Kind.JOHNSON:
        # the style image at twice the crop size: 512 px for the usual 256 px crops
        return johnson.TrainConfig(variant=run.variant, style_size=2 * run.size, **common)
    return chen.DecoderTrainConfig(**common)


def training_run_check(run: TrainingRun) -> None:
    """ValidationError keyed by field when the run cannot start (ranges come from stylecore's configs)."""
    errors: dict[str, str] = {}
    if run.kind == Kind.JOHNSON and not run.style_image:
        errors["style_image"] = "A Johnson network is trained for one style image: choose one."
    elif run.style_image and not run.style_image._committed:  # a new upload, not yet stored: judge it first
        try:
            _check_style_image(run.style_image.file)
        except ValidationError as error:
            errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if bool(run.photo_folder) == bool(run.photos_zip):
        errors["photo_folder"] = "Give a photo folder on the worker or upload a zip of photos (one of the two)."
    elif run.photo_folder and not Path(run.photo_folder).is_dir():
        errors["photo_folder"] = f"Not a folder on this machine: {run.photo_folder}"
    try:
        _config(run)
    except OptionError as error:
        field = error.field if error.field in {f.name for f in TrainingRun._meta.fields} else "__all__"
        errors.setdefault(field, error.message)
    if errors:
        raise ValidationError(errors)


def training_run_start(*, run: TrainingRun, by: User) -> TrainingRun:
    """Save a new run (built by the admin form) and queue it once the transaction commits."""
    training_run_check(run)
    run.created_by = by
    run.state, run.total = TrainingRun.State.QUEUED, run.steps
    with transaction.atomic():
        run.save()
        runs.run_enqueue_on_commit(run)
    return run


def training_run_cancel(*, run: TrainingRun) -> TrainingRun:
    """Queued: cancelled at once. Running: asked to stop; it keeps its last checkpoint for resuming."""
    return runs.run_cancel(run)


def training_run_resume(*, run: TrainingRun, steps: int | None = None) -> TrainingRun:
    """Queue a cancelled or failed run again; it continues from its last checkpoint (or starts over).

    `steps` changes the total, e.g. to train longer than first planned.
    """
    if run.state not in (TrainingRun.State.CANCELLED, TrainingRun.State.FAILED):
        raise ValidationError({"state": "Only a cancelled or failed run can be resumed."})
    if steps is not None:
        if steps <= run.checkpoint_step:
            raise ValidationError({"steps": f"Give more steps than the checkpoint's {run.checkpoint_step}."})
        run.steps = steps
    training_run_check(run)
    with transaction.atomic():
        updated = TrainingRun.objects.filter(pk=run.pk, state=run.state).update(
            state=TrainingRun.State.QUEUED,
            cancel_requested=False,
            message="",
            steps=run.steps,
            total=run.steps,
            finished_at=None,
            eta_seconds=None,
        )
        if updated:
            runs.run_enqueue_on_commit(run)
    run.refresh_from_db()
    return run


@transaction.atomic
def training_run_delete(*, run: TrainingRun) -> None:
    """Delete a finished or queued run with its files and work folder (the model it made stays)."""
    if run.state == TrainingRun.State.RUNNING:
        raise ValidationError({"state": "Cancel the run before deleting it."})
    folder = training_dir(run)
    delete_with_files(run, "style_image", "photos_zip", "preview")
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


def _checkpoint_step(checkpoint: Path) -> int:
    try:
        return int(modelfile.read_metadata(checkpoint).get("step", 0)) if checkpoint.is_file() else 0
    except ModelFileError:
        return 0


def _photo_data(run: TrainingRun, folder: Path) -> Path:
    if run.photo_folder:
        return Path(run.photo_folder)
    photos = folder / "photos"
    if not any(photos.glob("*.jpg")):  # built once; a resumed run reuses it
        archive = local_copy(run.photos_zip, folder, "photos")
        report = build_photo_folder(archive, photos, size=max(run.size, 256))
        archive.unlink()
        if not report.written:
            raise StylecoreError("The zip holds no readable photos.")
    return photos


class TrainingWriter(runs.ProgressWriter):
    """A run's progress writer that also keeps the loss history the admin's curve is drawn from.

    When it stops a run it keeps the latest checkpoint aside (`keep`), because stylecore removes its
    checkpoint after saving a stopped run's partial model: resuming starts from `keep`.
    """

    def __init__(self, run: TrainingRun, *, history: list[dict], checkpoint: Path, keep: Path) -> None:
        super().__init__(run)
        self.history = history
        self.checkpoint = checkpoint
        self.keep = keep

    def __call__(self, progress: Progress) -> bool:
        stop = super().__call__(progress)
        if stop and self.checkpoint.is_file():
            staged = self.keep.with_suffix(".tmp")
            staged.unlink(missing_ok=True)
            os.link(self.checkpoint, staged)  # the file as it is now, not a later one
            os.replace(staged, self.keep)
        return stop

    def extra_fields(self, progress: Progress) -> dict[str, Any]:
        point = {"step": progress.step, **{k: float(v) for k, v in progress.losses.items() if k != "images_per_s"}}
        self.history = thin_history([p for p in self.history if p["step"] < progress.step] + [point])
        return {"loss_history": self.history}


def thin_history(history: list[dict]) -> list[dict]:
    """Drop every other point of the older half once the history is full, so a long run's row stays small."""
    if len(history) < MAX_HISTORY_POINTS:
        return history
    half = len(history) // 2
    return history[:half:2] + history[half:]


def training_run_execute(*, run_id: int) -> bool:
    """Worker: train with live progress; on success store a disabled StyleModel for review. Returns
    whether it claimed the run (False: it was not queued)."""
    return runs.run_execute(
        TrainingRun,
        run_id,
        _train,
        failure_fields=lambda run: {"checkpoint_step": _checkpoint_step(johnson.checkpoint_path(_output(run)))},
    )


def _output(run: TrainingRun) -> Path:
    return training_dir(run) / "model.safetensors"


def _train(run: TrainingRun) -> None:
    folder = training_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    output = _output(run)
    checkpoint = johnson.checkpoint_path(output)
    kept = folder / "resume.safetensors"  # stylecore removes its checkpoint once stopped: keep one aside
    if not checkpoint.is_file() and kept.is_file():
        os.replace(kept, checkpoint)
    resume = checkpoint.is_file()
    history = [point for point in run.loss_history if point.get("step", 0) <= _checkpoint_step(checkpoint)]
    data = _photo_data(run, folder)
    config = _config(run)
    writer = TrainingWriter(run, history=history, checkpoint=checkpoint, keep=kept)
    with runs.reporting(run, writer):
        if run.kind == Kind.JOHNSON:
            style = local_copy(run.style_image, folder, "style")
            record = johnson.train_files(
                style, data, output, config, style_name=run.name, resume=resume, on_progress=writer
            )
        else:
            style_data = folder / "styles"
            if run.style_image:
                style_data.mkdir(exist_ok=True)
                local_copy(run.style_image, style_data, "style")
            else:
                style_data = data  # no style image: the decoder learns from the photos alone
            record = chen.train_files(data, style_data, output, config, resume=resume, on_progress=writer)
    if record.stopped:
        step = _checkpoint_step(kept)
        output.unlink(missing_ok=True)
        message = (
            f"Cancelled at step {record.steps_done}; resuming continues from step {step}." if step else "Cancelled."
        )
        runs.run_finish(TrainingRun, run.pk, TrainingRun.State.CANCELLED, message, checkpoint_step=step)
        return
    style_model = _style_model_from_run(run, output, record.to_dict())
    if not runs.run_finish(
        TrainingRun, run.pk, TrainingRun.State.SUCCEEDED, style_model=style_model, checkpoint_step=0
    ):
        style_model_delete(style_model=style_model)
        return
    shutil.rmtree(folder, ignore_errors=True)


def _style_model_from_run(run: TrainingRun, output: Path, record: dict) -> StyleModel:
    meta = modelfile.read_metadata(output)
    model = StyleModel(
        name=run.name,
        slug=_unique_slug(run.name),
        kind=run.kind,
        variant=run.variant if run.kind == Kind.JOHNSON else meta.get("variant", ""),
        enabled=False,  # ready for review: staff enable it
        source=StyleModel.Source.TRAINED,
        training_params={**meta.get("training", {}), "run": record},
        created_by=run.created_by,
        description=f"Trained here (run {run.pk}, {record.get('steps_done')} steps).",
    )
    with files_kept_only_if_saved(model, "file", "style_image"):
        with output.open("rb") as data:
            model.file.save("model.safetensors", File(data), save=False)
        if run.style_image:
            with run.style_image.open("rb") as data:
                model.style_image.save(f"style{PurePosixPath(run.style_image.name).suffix}", File(data), save=False)
        model.save()
    _make_preview_or_log(model)
    return model


# --- Compare -----------------------------------------------------------------------------------


def jobs_compare_create(
    *,
    owner: User,
    content: Upload | int | None,
    style: Upload | int | None,
    algorithms: Sequence[str],
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> CompareGroup:
    """One job per algorithm for the same photo and style, all or none (studio's job_create judges each).

    Errors keep job_create's keys for the shared inputs ("content", "styles") and put each
    algorithm's option errors under "<algorithm>.<option>".
    """
    chosen = list(dict.fromkeys(algorithms))
    comparable = {entry.name: entry for entry in studio_algorithms.comparable()}
    if not chosen:
        raise ValidationError({"algorithms": "Choose at least one algorithm."})
    if any(name not in comparable for name in chosen):
        raise ValidationError({"algorithms": f"Compare runs only {', '.join(comparable)}."})
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        group = CompareGroup.objects.create(owner=owner)
        for name in chosen:
            takes_style = comparable[name].style_limits[1] > 0
            try:
                job = studio_services.job_create(
                    owner=owner,
                    algorithm=name,
                    content=content,
                    styles=[(style, 1.0)] if takes_style and style is not None else [],
                    options=(options or {}).get(name, {}),
                )
            except ValidationError as error:
                for key, messages in messages_by_key(error).items():
                    shared = key.split(".")[0] in ("content", "styles", NON_FIELD_ERRORS)  # the queue limits too
                    known = errors.setdefault(key if shared else f"{name}.{key.removeprefix('options.')}", [])
                    known.extend(m for m in messages if m not in known)
                continue
            group.jobs.add(job)
        if errors:  # raised inside the block: no group, no jobs, and their queued enqueues are dropped
            raise ValidationError(errors)
        group.content, group.style = group.jobs.first().content, _first_style(group)
        group.save(update_fields=["content", "style"])
    return group


def _first_style(group: CompareGroup) -> Upload | None:
    job_style = JobStyle.objects.filter(job__in=group.jobs.all()).select_related("upload").first()
    return job_style.upload if job_style else None
