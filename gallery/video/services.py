"""Writes for videos: uploads (validated by stylecore before anything is stored), video jobs
(studio jobs with algorithm "video"), their results, and webcam captures and recordings."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from gallery.core.conf import studio_setting
from gallery.core.files import delete_with_files, files_kept_only_if_saved, title_from_filename
from gallery.core.images import jpeg_file
from gallery.core.users import User, require_owner
from gallery.studio import services as studio
from gallery.studio.models import Job, Result, Upload
from stylecore.images import save_image
from stylecore.record import RunRecord
from stylecore.video import VideoError, first_frame, inspect_video

from .models import Video, VideoResult

# Stored name's extension per ffmpeg demuxer (first one = default; "mov" reads MP4 and MOV, "matroska"
# MKV and WebM): the uploaded name's one is kept when it fits, since browsers pick a player by type.
EXTENSIONS = {"mov": ("mp4", "mov", "m4v"), "matroska": ("mkv", "webm")}


@contextmanager
def _local_path(file: UploadedFile) -> Iterator[Path]:
    """A path to the upload's bytes (PyAV opens paths): Django's temporary file, or a copy."""
    if hasattr(file, "temporary_file_path"):
        yield Path(file.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        file.seek(0)
        for chunk in file.chunks():
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def _extension(container: str, uploaded_name: str | None) -> str:
    """The uploaded name's extension when it fits the container (.webm is Matroska too)."""
    allowed = EXTENSIONS.get(container, ("mp4",))
    suffix = Path(uploaded_name or "").suffix.lower().lstrip(".")
    return suffix if suffix in allowed else allowed[0]


def video_create(*, owner: User, file: UploadedFile, title: str | None = None) -> Video:
    """Validate the video by really opening it (stylecore.video.inspect_video), then store it and
    a poster of its first frame. A bad file raises ValidationError({"file": ...}) and leaves nothing."""
    try:
        with _local_path(file) as path:
            info = inspect_video(path)
            poster = first_frame(path, info=info)
    except VideoError as error:
        raise ValidationError({"file": str(error)}) from None
    video = Video(
        owner=owner,
        title=(title or "").strip()[:200] or title_from_filename(file.name),
        container=info.container,
        width=info.width,
        height=info.height,
        frames=info.frames,
        fps=str(info.fps),
        duration=info.duration,
        video_codec=info.video_codec,
        audio_codec=info.audio_codec or "",
        size_bytes=file.size or 0,
    )
    with files_kept_only_if_saved(video, "file", "poster"):
        file.seek(0)
        video.file.save(f"video.{_extension(info.container, file.name)}", File(file), save=False)
        video.poster.save("poster.jpg", jpeg_file(poster, max_side=studio_setting("THUMBNAIL_SIZE")), save=False)
        video.save()
    return video


@transaction.atomic
def video_delete(*, video: Video, by: User) -> None:
    """Delete an uploaded video; stylized videos made from it stay (without their original)."""
    require_owner(by, video)
    delete_with_files(video, "file", "poster")


def video_job_create(
    *, owner: User, video: Video | int, style: Upload | int | None = None, options: Mapping[str, Any] | None = None
) -> Job:
    """A studio job (algorithm "video") for one of the owner's videos; Chen takes one style upload.
    job_create judges it all (the video through the registry entry's check_input)."""
    return studio.job_create(
        owner=owner,
        algorithm="video",
        content=None,
        styles=[(style, 1.0)] if style is not None else [],
        options={**(options or {}), "video": video.pk if isinstance(video, Video) else video},
        listed_only=False,
    )


def video_result_create(*, job: Job, output: Path, record: RunRecord) -> Result:
    """The worker's store step for video jobs: a Result (first stylized frame) plus the MP4."""
    video = Video.objects.filter(pk=job.options.get("video")).first()
    return _video_result_store(
        job=job, output=output, record=record, title=video.title if video else None, source=video
    )


def _video_result_store(
    *, job: Job, output: Path, record: RunRecord, title: str | None, source: Video | None
) -> Result:
    """The job's Result (its picture: the first frame of the MP4 at `output`) with the MP4 as its VideoResult."""
    with tempfile.TemporaryDirectory(prefix="poster-") as scratch:
        poster = save_image(first_frame(output), Path(scratch) / "poster.png", record=record)
        result = studio.result_create(job=job, output=poster, record=record, title=title)
    stored = VideoResult(result=result, source=source, frames=record.steps_done, fps=record.params.get("fps", ""))
    stored.has_audio = record.params.get("audio", "none") != "none"
    with files_kept_only_if_saved(stored, "file"):
        with output.open("rb") as data:
            stored.file.save("video.mp4", File(data), save=False)
        stored.save()
    return result


def _webcam_job(owner: User, record: RunRecord) -> Job:
    """The finished johnson Job a webcam capture or recording is the Result of."""
    now = timezone.now()
    return Job.objects.create(
        owner=owner,
        algorithm=record.algorithm,
        options={"model": record.params.get("model_id"), "source": "webcam"},
        state=Job.State.SUCCEEDED,
        step=record.steps_done,
        total=record.steps_done,
        started_at=now,
        finished_at=now,
    )


def capture_create(*, owner: User, jpeg: bytes, record: RunRecord, title: str) -> Result:
    """Keep a webcam frame in the owner's gallery: a finished johnson Job with its Result."""
    try:
        image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    except (UnidentifiedImageError, OSError):
        raise ValidationError({"frame": "No stylized frame to capture yet."}) from None
    with tempfile.TemporaryDirectory(prefix="capture-") as scratch, transaction.atomic():
        output = save_image(image, Path(scratch) / "capture.png", record=record)
        return studio.result_create(job=_webcam_job(owner, record), output=output, record=record, title=title)


@transaction.atomic
def recording_create(*, owner: User, output: Path, record: RunRecord, title: str) -> Result:
    """Keep a webcam recording (the MP4 at `output`, which stays the caller's to delete) in the owner's
    gallery: a finished johnson Job with its Result and VideoResult, like a video job's."""
    return _video_result_store(job=_webcam_job(owner, record), output=output, record=record, title=title, source=None)
