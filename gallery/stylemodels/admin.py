"""Staff curate style models (upload, enable, preview) and train new ones with a live loss curve."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from gallery.core.errors import show_errors
from stylecore.errors import StylecoreError

from . import selectors, services
from .forms import StyleModelUploadForm, TrainingRunForm
from .models import StyleModel, TrainingRun


@admin.register(StyleModel)
class StyleModelAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "name", "kind", "variant", "enabled", "source", "created_by", "created_at"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["kind", "enabled", "source", "variant"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["created_by"]
    fields = [
        "name", "description", "enabled", "large_preview", "slug", "kind", "variant", "source", "stored_file",
        "style", "training_params", "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = [
        "large_preview", "slug", "kind", "variant", "source", "stored_file", "style", "training_params",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["enable_models", "disable_models", "regenerate_previews", "delete_models"]

    @admin.display(description="Preview")
    def thumbnail(self, obj: StyleModel) -> str:
        if not obj.preview:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="64" style="object-fit:cover">', obj.preview_url())

    @admin.display(description="Preview (the sample photo through this model)")
    def large_preview(self, obj: StyleModel) -> str:
        if not obj.preview:
            return "No preview yet: use the “Regenerate preview” action."
        return format_html('<img src="{}" alt="" style="max-width:320px">', obj.preview_url())

    @admin.display(description="Model file")
    def stored_file(self, obj: StyleModel) -> str:
        return f"{obj.file.name} ({obj.file.size / 2**20:.1f} MB)" if obj.file else "—"

    @admin.display(description="Style image")
    def style(self, obj: StyleModel) -> str:
        if not obj.style_image:
            return "—"
        url = reverse("stylemodels:model_image", args=[obj.slug, "style"])
        return format_html('<img src="{}" alt="" style="max-width:160px">', url)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # ours also removes the files
        return actions

    @admin.action(description="Enable (offer to users)", permissions=["change"])
    def enable_models(self, request: HttpRequest, queryset: QuerySet[StyleModel]) -> None:
        count = services.style_models_set_enabled(queryset=queryset, enabled=True)
        messages.success(request, f"Enabled {count} model(s).")

    @admin.action(description="Disable (hide from users)", permissions=["change"])
    def disable_models(self, request: HttpRequest, queryset: QuerySet[StyleModel]) -> None:
        count = services.style_models_set_enabled(queryset=queryset, enabled=False)
        messages.success(request, f"Disabled {count} model(s).")

    @admin.action(description="Regenerate preview", permissions=["change"])
    def regenerate_previews(self, request: HttpRequest, queryset: QuerySet[StyleModel]) -> None:
        for style_model in queryset:
            try:
                services.style_model_make_preview(style_model=style_model)
            except StylecoreError as error:
                messages.error(request, f"{style_model}: {error}")
            else:
                messages.success(request, f"{style_model}: new preview made.")

    @admin.action(description="Delete the selected models and their files", permissions=["delete"])
    def delete_models(self, request: HttpRequest, queryset: QuerySet[StyleModel]) -> None:
        count = 0
        for style_model in queryset:
            services.style_model_delete(style_model=style_model)
            count += 1
        messages.success(request, f"Deleted {count} model(s).")

    def delete_model(self, request: HttpRequest, obj: StyleModel) -> None:
        services.style_model_delete(style_model=obj)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        """Adding a model = uploading a file, checked by services.style_model_import before anything is saved."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StyleModelUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                model = services.style_model_import(created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                show_errors(error, form)
            else:
                self.log_addition(request, model, [{"added": {}}])
                messages.success(request, f"“{model}” was imported ({model.get_kind_display()}, {model.variant}).")
                return redirect(reverse("admin:stylemodels_stylemodel_change", args=[model.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Upload a style model",
            "form": form,
            "media": self.media + form.media,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/stylemodels/stylemodel/upload.html", context, status=status)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    form = TrainingRunForm
    change_form_template = "admin/stylemodels/trainingrun/change_form.html"
    list_display = ["name", "kind", "variant", "state", "progress", "created_by", "created_at", "style_model"]
    list_filter = ["state", "kind", "variant"]
    search_fields = ["name", "message", "task_id"]
    list_select_related = ["created_by", "style_model"]
    actions = ["cancel_runs"]

    @admin.display(description="Steps")
    def progress(self, obj: TrainingRun) -> str:
        return f"{obj.step}/{obj.total or obj.steps}"

    def get_readonly_fields(self, request: HttpRequest, obj: TrainingRun | None = None) -> list[str]:
        if obj is None:
            return []
        return [
            *TrainingRunForm.Meta.fields,
            "state",
            "message",
            "style_model",
            "created_by",
            "started_at",
            "finished_at",
        ]

    def get_fields(self, request: HttpRequest, obj: TrainingRun | None = None) -> list[str]:
        if obj is None:
            return list(TrainingRunForm.Meta.fields)
        return self.get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: TrainingRun, form: Any, change: bool) -> None:
        if not change:
            services.training_run_start(run=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: TrainingRun) -> None:
        services.training_run_delete(run=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TrainingRun]) -> None:
        for run in queryset:
            services.training_run_delete(run=run)

    def has_delete_permission(self, request: HttpRequest, obj: TrainingRun | None = None) -> bool:
        running = obj is not None and obj.state == TrainingRun.State.RUNNING
        return super().has_delete_permission(request, obj) and not running

    @admin.action(description="Cancel the selected runs", permissions=["change"])
    def cancel_runs(self, request: HttpRequest, queryset: QuerySet[TrainingRun]) -> None:
        for run in queryset:
            services.training_run_cancel(run=run)
        messages.info(request, f"Asked {queryset.count()} run(s) to stop.")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        run = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if run is not None:
            extra.update(
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
                progress=selectors.training_run_progress(run),
                progress_url=reverse("admin:stylemodels_trainingrun_progress", args=[run.pk]),
                cancel_url=reverse("admin:stylemodels_trainingrun_cancel", args=[run.pk]),
                resume_url=reverse("admin:stylemodels_trainingrun_resume", args=[run.pk]),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/progress.json", wrap(self.progress_view), name="stylemodels_trainingrun_progress"),
            path("<int:pk>/preview.jpg", wrap(self.preview_view), name="stylemodels_trainingrun_preview"),
            path("<int:pk>/cancel/", wrap(require_POST(self.cancel_view)), name="stylemodels_trainingrun_cancel"),
            path("<int:pk>/resume/", wrap(require_POST(self.resume_view)), name="stylemodels_trainingrun_resume"),
            *super().get_urls(),
        ]

    def _run(self, request: HttpRequest, pk: int) -> TrainingRun:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(TrainingRun, pk=pk)

    def progress_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        run = self._run(request, pk)
        response = JsonResponse(selectors.training_run_progress(run))
        response["Cache-Control"] = "no-store"
        return response

    def preview_view(self, request: HttpRequest, pk: int) -> FileResponse:
        run = self._run(request, pk)
        if not run.preview:
            raise Http404("No preview yet.")
        response = FileResponse(run.preview.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "no-store"
        return response

    def _back(self, run: TrainingRun) -> HttpResponse:
        return redirect(reverse("admin:stylemodels_trainingrun_change", args=[run.pk]))

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        run = services.training_run_cancel(run=self._run(request, pk))
        messages.info(
            request, "Cancelled." if run.is_finished else "Asked the worker to stop; the last checkpoint is kept."
        )
        return self._back(run)

    def resume_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        run = self._run(request, pk)
        try:
            run = services.training_run_resume(run=run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            start = f"from step {run.checkpoint_step}" if run.checkpoint_step else "from the start (no checkpoint)"
            messages.success(request, f"Queued again: training continues {start}.")
        return self._back(run)
