"""Reads for style models, training runs and compare groups."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from gallery.core.runs import run_progress
from gallery.core.users import User
from gallery.studio import selectors as studio_selectors

from .models import CompareGroup, Kind, ModelStyleCopy, StyleModel, TrainingRun


def style_models_enabled(kind: str | None = None) -> QuerySet[StyleModel]:
    """What users may pick (job form, API): enabled models only, optionally of one kind."""
    models = StyleModel.objects.filter(enabled=True)
    return models.filter(kind=kind) if kind else models


def catalogue_styles() -> QuerySet[StyleModel]:
    """The style pictures of the enabled fast-style models: the job page offers them as styles
    any-style algorithms (Chen, Gatys) can paint with, like the user's own."""
    return style_models_enabled(Kind.JOHNSON).exclude(style_image="")


def style_copies_of(user: User) -> dict[int, int]:
    """{upload id: style model id} of the user's copies of model style pictures."""
    return dict(ModelStyleCopy.objects.filter(owner_id=user.pk).values_list("upload_id", "style_model_id"))


def style_model_for_viewer(user: User, slug: str) -> StyleModel:
    """Staff see every model; signed-in users only enabled ones (Http404 otherwise)."""
    models = StyleModel.objects.all() if user.is_staff else style_models_enabled()
    return get_object_or_404(models, slug=slug)


def training_run_progress(run: TrainingRun) -> dict[str, Any]:
    """The admin page's live data: progress, the loss history and the latest preview."""
    return {
        **run_progress(run),
        "images_per_s": run.losses.get("images_per_s"),
        "checkpoint_step": run.checkpoint_step,
        "history": run.loss_history,
        "preview_url": (
            f"{reverse('admin:stylemodels_trainingrun_preview', args=[run.pk])}?step={run.step}"
            if run.preview
            else None
        ),
        "style_model_url": (
            reverse("admin:stylemodels_stylemodel_change", args=[run.style_model_id]) if run.style_model_id else None
        ),
    }


def training_runs() -> QuerySet[TrainingRun]:
    """Every training run, newest first (staff see them all, as in the admin)."""
    return TrainingRun.objects.select_related("created_by", "style_model")


def training_run_of(pk: int) -> TrainingRun:
    return get_object_or_404(training_runs(), pk=pk)


def compare_groups_of(user: User) -> QuerySet[CompareGroup]:
    """The owner's compare groups, newest first, each with its jobs (in the order they were made) read along."""
    jobs = studio_selectors.jobs_of(user).order_by("id")
    return CompareGroup.objects.filter(owner_id=user.pk).prefetch_related(Prefetch("jobs", queryset=jobs))


def compare_group_of(user: User, pk: int) -> CompareGroup:
    """The owner's compare group (Http404 for missing and for not-yours alike)."""
    return get_object_or_404(compare_groups_of(user), pk=pk)
