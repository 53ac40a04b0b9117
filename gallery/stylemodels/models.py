"""Trained networks users can pick (StyleModel), the training runs that make them, and compare groups.

Model files live under MEDIA_ROOT/models/...: names the server chooses, never the uploaded name.
Reads go through selectors.py, writes through services.py.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse

from gallery.core.runs import QueuedRun
from gallery.studio.models import Job, Upload


def _models_path(folder: str, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower() or ".bin"
    return str(PurePosixPath("models", folder, f"{uuid.uuid4().hex}{suffix}"))


def model_file_path(instance: StyleModel, filename: str) -> str:
    return _models_path(instance.kind, filename)


def model_preview_path(instance: models.Model, filename: str) -> str:
    return _models_path("previews", filename)


def model_style_path(instance: models.Model, filename: str) -> str:
    return _models_path("styles", filename)


def training_zip_path(instance: models.Model, filename: str) -> str:
    return _models_path("training-zips", filename)


class Kind(models.TextChoices):
    JOHNSON = "johnson", "Johnson transform network"
    CHEN_DECODER = "chen-decoder", "Chen inverse network (decoder)"


class StyleModel(models.Model):
    class Source(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded (.safetensors)"
        TRAINED = "trained", "Trained here"
        IMPORTED_PTH = "imported-pth", "Imported fast-neural-style .pth"
        CATALOGUE = "catalogue", "Fetched from the model catalogue"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    variant = models.CharField(max_length=20, blank=True)  # johnson: standard | light
    file = models.FileField(upload_to=model_file_path, max_length=300)  # always our safetensors format
    preview = models.FileField(upload_to=model_preview_path, max_length=300, blank=True)  # the fixed sample, stylized
    style_image = models.FileField(upload_to=model_style_path, max_length=300, blank=True)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=False, db_index=True, help_text="Only enabled models are offered to users.")
    source = models.CharField(max_length=20, choices=Source.choices)
    # The catalogue entry it was fetched from (manage.py fetch_models), so fetching twice adds nothing.
    catalogue_name = models.CharField(max_length=60, blank=True, db_index=True)
    training_params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="style_models"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def preview_url(self) -> str:
        return reverse("stylemodels:model_image", args=[self.slug, "preview"]) if self.preview else ""

    def style_url(self) -> str:
        return reverse("stylemodels:model_image", args=[self.slug, "style"]) if self.style_image else ""


class ModelStyleCopy(models.Model):
    """A user's own copy of a model's style picture, made the first time they paint with it
    (jobs take only their owner's uploads); the job page offers the model's picture again, not the copy."""

    style_model = models.ForeignKey(StyleModel, on_delete=models.CASCADE, related_name="style_copies")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["style_model", "owner"], name="one_style_copy_per_model_and_user")
        ]

    def __str__(self) -> str:
        return f"{self.style_model} for {self.owner}"


class TrainingRun(QueuedRun):
    """One training of a Johnson network or a Chen decoder, run by the worker like a user job."""

    task_path = "gallery.stylemodels.tasks.run_training"
    task_prefix = "training"
    owner_field = "created_by"
    preview_side = 512

    name = models.CharField(max_length=120, help_text="Name of the model this run makes.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOHNSON)
    variant = models.CharField(
        max_length=20,
        choices=[("standard", "Standard"), ("light", "Light (fast on CPUs)")],
        default="light",
        help_text="Johnson only.",
    )
    style_image = models.FileField(
        upload_to=model_style_path, max_length=300, blank=True, help_text="Required for Johnson; optional for Chen."
    )
    photo_folder = models.CharField(
        max_length=500, blank=True, help_text="A folder of training photos on the worker (see build_photo_folder)."
    )
    photos_zip = models.FileField(
        upload_to=training_zip_path, max_length=300, blank=True, help_text="...or a zip of photos."
    )
    steps = models.PositiveIntegerField(default=2000)
    size = models.PositiveIntegerField(default=256, help_text="Training crop side, in pixels.")
    batch = models.PositiveIntegerField(default=4)
    checkpoint_every = models.PositiveIntegerField(default=200)
    loss_history = models.JSONField(default=list, blank=True)  # [{"step": n, "total": .., part: ..}, ...]
    checkpoint_step = models.PositiveIntegerField(default=0)  # resumable from here (0: start over)
    preview = models.FileField(upload_to=model_preview_path, max_length=300, blank=True)
    style_model = models.OneToOneField(
        StyleModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="training_run"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="training_runs"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.state})"


class CompareGroup(models.Model):
    """One compare request: the same photo and style through several algorithms, one job each."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compare_groups")
    content = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, related_name="+")
    style = models.ForeignKey(Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    jobs = models.ManyToManyField(Job, related_name="compare_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Compare {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("stylemodels:compare_detail", args=[self.pk])
