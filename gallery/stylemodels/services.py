"""Writes for style models, training runs and compare groups.

Admin views, actions and worker tasks call these. A model file is checked (safe loader, expected
layout, one tiny forward pass) before anything is stored; a training run follows the studio
job's conventions (claim, throttled progress, heartbeat, cancel flag, stale-worker failure).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import torch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from gallery.core.files import local_copy, studio_setting
from gallery.studio import algorithms as studio_algorithms
from gallery.studio import services as studio_services
from gallery.studio.imaging import FORMAT_EXTENSIONS
from gallery.studio.models import Upload
from gallery.studio.permissions import User
from gallery.studio.progress import Heartbeat
from stylecore import chen, johnson, modelfile
from stylecore.errors import ImageError, ModelFileError, OptionError, StylecoreError
from stylecore.images import inspect_image

from . import samples
from .models import CompareGroup, Kind, StyleModel, TrainingRun
from .photos import build_photo_folder
from .progress import TrainingWriter

logger = logging.getLogger(__name__)

MAX_MODEL_BYTES = 200 * 2**20  # the standard Johnson network is ~7 MB, a Chen decoder ~2 MB
COMPARE_ALGORITHMS = ("gatys", "chen", "johnson")  # denoise takes no style: nothing to compare


def _delete_stored(*files: FieldFile) -> None:
    for stored in files:
        if stored and stored.name:
            stored.storage.delete(stored.name)


# --- Model files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedModel:
    kind: str
    variant: str
    metadata: dict
    from_pth: bool


def check_model_file(path: Path) -> CheckedModel:
    """Safe loader + expected layout + one tiny forward pass; ModelFileError with a clear message otherwise.

    Our .safetensors files say their kind in their metadata; anything else is treated as a
    fast-neural-style .pth and read with ``torch.load(weights_only=True)`` (nothing in it runs).
    """
    from_pth = not modelfile.is_safetensors(path)
    kind = "johnson" if from_pth else modelfile.read_metadata(path).get("kind")
    if kind == Kind.JOHNSON:
        net, meta = johnson.load_transformer(path)
        variant = net.variant
        probe = lambda: johnson.stylize(net, torch.rand(1, 3, 16, 16))  # noqa: E731
    elif kind == Kind.CHEN_DECODER:
        net, meta = chen.load_decoder(path)
        variant = meta.get("variant", "")
        probe = lambda: net(torch.zeros(1, 256, 4, 4))  # noqa: E731
    else:
        raise ModelFileError(
            f"not a style model: the file's kind is {kind!r}, expected a Johnson network or a Chen decoder"
        )
    try:
        with torch.inference_mode():
            out = probe()
    except (RuntimeError, ValueError) as error:
        raise ModelFileError(f"the network failed a test run ({str(error).splitlines()[0]})") from None
    if not torch.isfinite(out).all():
        raise ModelFileError("the network's test output is not finite (damaged weights?)")
    return CheckedModel(kind=kind, variant=variant, metadata=meta, from_pth=from_pth)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "model"
    slug, index = base, 2
    while StyleModel.objects.filter(slug=slug).exists():
        slug, index = f"{base}-{index}", index + 1
    return slug


def _check_style_image(style_image: UploadedFile | None) -> str | None:
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
    with tempfile.TemporaryDirectory(prefix="model-upload-") as scratch:
        # errors name the file as staff know it; the stored name is chosen by the server
        uploaded = Path(scratch) / (get_valid_filename(PurePosixPath(file.name or "").name) or "upload.bin")
        with uploaded.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            checked = check_model_file(uploaded)
        except StylecoreError as error:
            raise ValidationError({"file": f"This model file was refused: {error}"}) from None
        stored = uploaded
        if checked.from_pth:
            net, _ = johnson.load_transformer(uploaded)
            stored = Path(scratch) / "model.safetensors"
            training = {"source": "fast-neural-style .pth", "original_name": PurePosixPath(file.name or "").name}
            modelfile.save_model(stored, net.state_dict(), johnson.model_metadata(net, style=name, training=training))
        model = StyleModel(
            name=name[:120],
            slug=_unique_slug(name),
            kind=checked.kind,
            variant=checked.variant,
            description=description.strip(),
            enabled=enabled,
            created_by=created_by,
            source=StyleModel.Source.IMPORTED_PTH if checked.from_pth else StyleModel.Source.UPLOADED,
            training_params=checked.metadata.get("training", {}),
        )
        try:
            with stored.open("rb") as data:
                model.file.save("model.safetensors", File(data), save=False)
            if style_image is not None:
                model.style_image.save(f"style.{style_ext}", File(style_image), save=False)
            model.save()
        except BaseException:
            _delete_stored(model.file, model.style_image)
            raise
    _make_preview_or_log(model)
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
    files = [(f.storage, f.name) for f in (style_model.file, style_model.preview, style_model.style_image) if f]
    style_model.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


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
        transaction.on_commit(lambda: training_run_enqueue(run_id=run.pk))
    return run


def training_run_enqueue(*, run_id: int) -> None:
    from django_q.tasks import async_task

    task_id = async_task("gallery.stylemodels.tasks.run_training", run_id, task_name=f"training-{run_id}")
    TrainingRun.objects.filter(pk=run_id).update(task_id=task_id or "")


def training_run_cancel(*, run: TrainingRun) -> TrainingRun:
    """Queued: cancelled at once. Running: asked to stop; it keeps its last checkpoint for resuming."""
    now = timezone.now()
    if not TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.QUEUED).update(
        state=TrainingRun.State.CANCELLED, cancel_requested=True, finished_at=now
    ):
        TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


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
            transaction.on_commit(lambda: training_run_enqueue(run_id=run.pk))
    run.refresh_from_db()
    return run


@transaction.atomic
def training_run_delete(*, run: TrainingRun) -> None:
    """Delete a finished or queued run with its files and work folder (the model it made stays)."""
    if run.state == TrainingRun.State.RUNNING:
        raise ValidationError({"state": "Cancel the run before deleting it."})
    files = [(f.storage, f.name) for f in (run.style_image, run.photos_zip, run.preview) if f]
    folder = training_dir(run)
    run.delete()

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)
        shutil.rmtree(folder, ignore_errors=True)

    transaction.on_commit(remove)


def training_run_fail_if_stale(run: TrainingRun) -> TrainingRun:
    """A "running" run whose worker stopped beating is failed (checked whenever a run is read)."""
    if studio_services.job_is_stale(run) and _finish(
        run.pk, TrainingRun.State.FAILED, studio_services.WORKER_DIED_MESSAGE
    ):
        run.refresh_from_db()
    return run


def _finish(run_id: int, state: str, message: str = "", **fields: Any) -> bool:
    return bool(
        TrainingRun.objects.filter(pk=run_id, state=TrainingRun.State.RUNNING).update(
            state=state, message=message, finished_at=timezone.now(), eta_seconds=None, **fields
        )
    )


def _claim(run_id: int) -> TrainingRun | None:
    with transaction.atomic():
        run = TrainingRun.objects.filter(pk=run_id).first()
        if run is None:
            return None
        if run.state == TrainingRun.State.RUNNING:  # redelivered: the worker died on it
            _finish(run.pk, TrainingRun.State.FAILED, studio_services.WORKER_DIED_MESSAGE)
            return None
        if run.state != TrainingRun.State.QUEUED:
            return None
        now = timezone.now()
        TrainingRun.objects.filter(pk=run.pk).update(state=TrainingRun.State.RUNNING, started_at=now, heartbeat_at=now)
    run.refresh_from_db()
    return run


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


def training_run_execute(*, run_id: int) -> None:
    """Worker: train with live progress; on success store a disabled StyleModel for review."""
    run = _claim(run_id)
    if run is None:
        return
    folder = training_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / "model.safetensors"
    checkpoint = johnson.checkpoint_path(output)
    kept = folder / "resume.safetensors"  # stylecore removes its checkpoint once stopped: keep one aside
    if not checkpoint.is_file() and kept.is_file():
        os.replace(kept, checkpoint)
    resume = checkpoint.is_file()
    history = [point for point in run.loss_history if point.get("step", 0) <= _checkpoint_step(checkpoint)]
    try:
        data = _photo_data(run, folder)
        config = _config(run)
        writer = TrainingWriter(
            run, interval=studio_setting("PROGRESS_INTERVAL"), history=history, checkpoint=checkpoint, keep=kept
        )
        with Heartbeat(run.pk, interval=studio_setting("HEARTBEAT_INTERVAL"), model=TrainingRun):
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
        writer.flush()
        if record.stopped:
            step = _checkpoint_step(kept)
            output.unlink(missing_ok=True)
            _finish(
                run.pk,
                TrainingRun.State.CANCELLED,
                f"Cancelled at step {record.steps_done}; resuming continues from step {step}."
                if step
                else "Cancelled.",
                checkpoint_step=step,
            )
            return
        style_model = _style_model_from_run(run, output, record.to_dict())
        if not _finish(run.pk, TrainingRun.State.SUCCEEDED, style_model=style_model, checkpoint_step=0):
            style_model_delete(style_model=style_model)
            return
        shutil.rmtree(folder, ignore_errors=True)
    except StylecoreError as error:
        logger.info("training run %s failed: %s", run.pk, error)
        _finish(run.pk, TrainingRun.State.FAILED, str(error), checkpoint_step=_checkpoint_step(checkpoint))
    except Exception:
        logger.exception("training run %s: unexpected error", run.pk)
        _finish(
            run.pk,
            TrainingRun.State.FAILED,
            studio_services.UNEXPECTED_ERROR_MESSAGE,
            checkpoint_step=_checkpoint_step(checkpoint),
        )


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
    try:
        with output.open("rb") as data:
            model.file.save("model.safetensors", File(data), save=False)
        if run.style_image:
            with run.style_image.open("rb") as data:
                model.style_image.save(f"style{PurePosixPath(run.style_image.name).suffix}", File(data), save=False)
        model.save()
    except BaseException:
        _delete_stored(model.file, model.style_image)
        raise
    _make_preview_or_log(model)
    return model


# --- Compare -----------------------------------------------------------------------------------


def jobs_compare_create(
    *,
    owner: User,
    content: Upload | None,
    style: Upload | None,
    algorithms: Sequence[str],
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> CompareGroup:
    """One job per algorithm for the same photo and style, all or none (studio's job_create each).

    Errors are keyed "<algorithm>-<field>" (the option forms' prefixes) or "algorithms"/"content"/"style".
    """
    chosen = list(dict.fromkeys(algorithms))
    if not chosen:
        raise ValidationError({"algorithms": "Choose at least one algorithm."})
    if any(name not in COMPARE_ALGORITHMS for name in chosen):
        raise ValidationError({"algorithms": f"Compare runs only {', '.join(COMPARE_ALGORITHMS)}."})
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        group = CompareGroup.objects.create(owner=owner, content=content, style=style)
        for name in chosen:
            needs_style = studio_algorithms.get_algorithm(name).max_styles > 0
            try:
                job = studio_services.job_create(
                    owner=owner,
                    algorithm=name,
                    content=content,
                    styles=[(style, 1.0)] if needs_style and style is not None else [],
                    options=(options or {}).get(name, {}),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    key = {"content": "content", "styles": "style"}.get(field, f"{name}-{field}")
                    known = errors.setdefault(key, [])
                    known.extend(m for m in messages if m not in known)
                continue
            group.jobs.add(job)
        if errors:  # raised inside the block: no group, no jobs, and their queued enqueues are dropped
            raise ValidationError(errors)
    return group
