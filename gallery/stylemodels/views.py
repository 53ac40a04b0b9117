"""Pages: a model's preview/style image for users, and the compare page (one photo, several algorithms)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gallery.core.errors import show_errors
from gallery.core.http import file_response
from gallery.studio import algorithms
from gallery.studio import selectors as studio_selectors
from gallery.studio.forms import option_forms

from . import selectors, services
from .forms import CompareForm


@login_required
@require_GET
def model_image(request: HttpRequest, slug: str, variant: str) -> HttpResponse:
    """An enabled model's preview or style image (staff: any model's)."""
    if variant not in ("preview", "style"):
        raise Http404("No such file.")
    model = selectors.style_model_for_viewer(request.user, slug)
    field = model.preview if variant == "preview" else model.style_image
    if not field:
        raise Http404("No such file.")
    return file_response(field)


@login_required
def compare_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CompareForm(data, owner=request.user, initial={"content": request.GET.get("content")})
    chosen = form.data.getlist("algorithms") if data is not None else form.fields["algorithms"].initial
    # only the chosen algorithms' options are read (and can show errors)
    comparable = {entry.name for entry in algorithms.comparable()}
    options = {
        name: f if name in chosen else algorithms.REGISTRY[name].options_form(prefix=name)
        for name, f in option_forms(data).items()
        if name in comparable
    }
    if data is not None and form.is_valid():
        chosen = form.cleaned_data["algorithms"]
        if all([options[name].is_valid() for name in chosen]):  # a list: every form shows its errors
            try:
                group = services.jobs_compare_create(
                    owner=request.user,
                    content=form.cleaned_data["content"],
                    style=form.cleaned_data["style"],
                    algorithms=chosen,
                    options={name: options[name].cleaned_data for name in chosen},
                )
            except ValidationError as error:
                prefixes = {f"{name}.": options[name] for name in chosen}
                show_errors(error, form, prefixes=prefixes, aliases={"styles": "style"})
            else:
                messages.success(request, f"{len(chosen)} jobs are queued.")
                return redirect(group)
    context = {
        "form": form,
        "option_forms": [(algorithms.REGISTRY[name], f) for name, f in options.items()],
        "has_photos": form.fields["content"].queryset.exists(),
        "has_errors": form.is_bound and (bool(form.errors) or any(f.errors for f in options.values())),
    }
    return render(request, "stylemodels/compare_form.html", context, status=400 if context["has_errors"] else 200)


@login_required
def compare_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.compare_group_of(request.user, pk)
    rows = []
    for job in group.jobs.select_related("result").order_by("id"):
        entry = algorithms.REGISTRY.get(job.algorithm)
        rows.append(
            {
                "job": job,
                "label": entry.label if entry else job.algorithm,
                "progress": studio_selectors.job_progress(job),
                "result": getattr(job, "result", None) if job.state == job.State.SUCCEEDED else None,
            }
        )
    return render(request, "stylemodels/compare_detail.html", {"group": group, "rows": rows})
