"""Uploads, jobs (queued requests), results and albums.

Files live under MEDIA_ROOT/<owner id>/<kind>/<uuid>.<ext>: names the server chooses, never the
uploaded name. Reads go through selectors.py, writes through services.py.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from gallery.core.links import link
from gallery.core.runs import QueuedRun
from stylecore.record import RunRecord


def new_share_token() -> str:
    return secrets.token_urlsafe(16)


def owner_file_path(owner_id: int, folder: str, ext: str) -> str:
    """`<owner id>/<folder>/<uuid>.<ext>`: the one naming rule for every stored file."""
    return str(PurePosixPath(str(owner_id), folder, f"{uuid.uuid4().hex}.{ext.lstrip('.').lower()}"))


def _keep_suffix(instance: models.Model, folder: str, filename: str) -> str:
    # `filename` was already chosen by a service (uuid + detected format); keep its extension.
    return owner_file_path(instance.owner_id, folder, PurePosixPath(filename).suffix or ".bin")


def upload_image_path(instance: models.Model, filename: str) -> str:
    return _keep_suffix(instance, "uploads", filename)


def thumbnail_path(instance: models.Model, filename: str) -> str:
    return _keep_suffix(instance, "thumbs", filename)


def preview_path(instance: models.Model, filename: str) -> str:
    return _keep_suffix(instance, "previews", filename)


def result_image_path(instance: models.Model, filename: str) -> str:
    return _keep_suffix(instance, "results", filename)


def layer_path(instance: models.Model, filename: str) -> str:
    return _keep_suffix(instance, "layers", filename)


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private (only me)"
    UNLISTED = "unlisted", "Unlisted (anyone with the link)"
    PUBLIC = "public", "Public (listed in the gallery)"


class Upload(models.Model):
    class Kind(models.TextChoices):
        CONTENT = "content", "Photo"
        STYLE = "style", "Style"
        MASK = "mask", "Mask"  # where one style of a job goes: white = the style, black = not

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONTENT)
    title = models.CharField(max_length=200)
    image = models.FileField(upload_to=upload_image_path, max_length=300)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=300)
    format = models.CharField(max_length=16)  # what Pillow decoded: JPEG, PNG, GIF, WEBP...
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    mode = models.CharField(max_length=16)  # the original mode: RGB, RGBA, CMYK, I;16...
    frames = models.PositiveIntegerField(default=1)
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "kind", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("studio:upload_detail", self.pk)


class Batch(models.Model):
    """One request for every pair of several photos and several styles: one Job per pair
    (services.batch_create), each queued on its own so other people's jobs interleave."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches")
    name = models.CharField(max_length=200)  # "4 photos × 3 styles (Gatys)", or the owner's own
    algorithm = models.CharField(max_length=40)
    # Its jobs, in id order, are its grid row by row: one row per photo, `columns` styles each.
    columns = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("studio:batch_detail", self.pk)


class Job(QueuedRun):
    """One queued request to run an algorithm (its lifecycle and progress fields: QueuedRun)."""

    task_path = "gallery.studio.tasks.run_job"
    task_prefix = "job"
    owner_field = "owner"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    algorithm = models.CharField(max_length=40)  # a key of gallery.studio.algorithms.REGISTRY
    options = models.JSONField(default=dict, blank=True)  # the cleaned option values, as given
    content = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="content_jobs")
    preview = models.FileField(upload_to=preview_path, max_length=300, blank=True)
    # A run stopped mid-way keeps its picture so far at full size as `preview`, and its RunRecord
    # here, until the owner saves them as a Result (services.job_save_partial).
    partial_record = models.JSONField(null=True, blank=True)
    # What it costs, estimated when it was asked for (pixels x steps, its algorithm's `work`): the
    # per-person limit on queued work adds these up.
    work = models.PositiveBigIntegerField(default=0)
    batch = models.ForeignKey(Batch, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.algorithm}, {self.state})"

    def get_absolute_url(self) -> str:
        return link("studio:job_detail", self.pk)

    @property
    def kept_partial(self) -> bool:
        """It was stopped mid-run and kept the picture so far (a job stopped before its first step keeps none)."""
        return self.partial_record is not None and bool(self.preview)


class JobStyle(models.Model):
    """One style image of a job with its blend weight (several styles are mixed by weight)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_styles")
    upload = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, related_name="style_jobs")
    weight = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.upload} x{self.weight:g}"


class JobMask(models.Model):
    """A region mask of a job: where its style at `position` goes (an entry without style images,
    Johnson: its model, position 0). A style with none covers what the others leave."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_masks")
    upload = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, related_name="mask_jobs")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Mask: {self.upload}"


class Result(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="results")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="result")
    title = models.CharField(max_length=200)
    image = models.FileField(upload_to=result_image_path, max_length=300)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    # Results are addressed by this token, so an unlisted link cannot be guessed from an id.
    share_token = models.CharField(max_length=32, unique=True, default=new_share_token, editable=False)
    # What made it (stylecore.record.RunRecord).
    algorithm = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    device = models.CharField(max_length=120, blank=True)
    seconds = models.FloatField(default=0.0)
    weights_source = models.CharField(max_length=300, blank=True)
    random_weights = models.BooleanField(default=False)
    steps_done = models.PositiveIntegerField(default=0)
    stopped = models.BooleanField(default=False)
    final_losses = models.JSONField(default=dict, blank=True)
    # The layers its strength is blended from (stylecore.finish): the result at full strength and
    # the photo at its size. Empty for results that have none (videos, denoising, older results).
    full_image = models.FileField(upload_to=layer_path, max_length=300, blank=True)
    photo_image = models.FileField(upload_to=layer_path, max_length=300, blank=True)
    # A result saved at another strength from this one's layers: its job (inputs, settings) is the source's.
    derived_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived_results"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["visibility", "-created_at"])]

    def run_record(self) -> RunRecord:
        """What made it, as the RunRecord its fields were stored from (services.result_create)."""
        return RunRecord(
            algorithm=self.algorithm,
            params=dict(self.params),
            device=self.device,
            weights=self.weights_source,
            random_weights=self.random_weights,
            seconds=self.seconds,
            steps_done=self.steps_done,
            stopped=self.stopped,
            final_losses=dict(self.final_losses),
        )

    @property
    def has_layers(self) -> bool:
        return bool(self.full_image and self.photo_image)

    @property
    def strength(self) -> float:
        return float(self.params.get("strength", 1.0)) if isinstance(self.params, dict) else 1.0

    @property
    def source_job(self) -> Job | None:
        """The job that made it, or made the result it was saved from at another strength."""
        if self.job_id is not None:
            return self.job
        return self.derived_from.job if self.derived_from is not None else None

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("studio:result_detail", self.share_token)


class Album(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    results = models.ManyToManyField(Result, blank=True, related_name="albums")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    share_token = models.CharField(max_length=32, unique=True, default=new_share_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("studio:album_detail", self.share_token)
