"""Studio pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

import functools
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST, require_safe

from gallery.core.conf import studio_setting
from gallery.core.errors import messages_by_key, show_errors
from gallery.core.http import archive_response, file_response, image_or_thumb, visible_or_login
from gallery.core.users import is_owner
from gallery.stylemodels.models import StyleModel
from gallery.stylemodels.services import style_upload_from_model

from . import algorithms, selectors, services
from .archive import batch_zip
from .forms import MAX_ID, AlbumForm, JobForm, ResultForm, UploadForm, option_panels, style_picker
from .gallery_cache import gallery_version, result_pages_version
from .models import Job, Upload


def _page(request: HttpRequest, items: QuerySet) -> Page:
    return Paginator(items, studio_setting("RESULTS_PER_PAGE")).get_page(request.GET.get("page"))


# --- Overview --------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/home.html", {"results": selectors.results_public()[:8]})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "studio/dashboard.html",
        {
            "jobs": selectors.jobs_of(user)[:5],
            "results": selectors.results_of(user)[:8],
            "photo_count": selectors.uploads_of(user, kind=Upload.Kind.CONTENT).count(),
            "style_count": selectors.uploads_of(user, kind=Upload.Kind.STYLE).count(),
        },
    )


@require_GET
def public_gallery(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.results_public())
    return render(request, "studio/gallery.html", {"page": page, "version": gallery_version()})


# --- Uploads ---------------------------------------------------------------------------------


@login_required
def upload_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "studio/upload_list.html",
        {
            "photos": selectors.uploads_of(request.user, kind=Upload.Kind.CONTENT),
            "styles": selectors.uploads_of(request.user, kind=Upload.Kind.STYLE),
            "masks": selectors.uploads_of(request.user, kind=Upload.Kind.MASK),
        },
    )


@login_required
def upload_create(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "content")})
    if request.method == "POST" and form.is_valid():
        try:
            created, refused = services.uploads_create(
                owner=request.user,
                files=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            show_errors(error, form)
        else:
            if created:  # saved ones are kept; the refused are named on the next page
                _report_uploads(request, created, refused)
                return redirect("studio:upload_list")
            for name, reason in refused:
                form.add_error("file", f"{name}: {reason}")
    status = 400 if form.errors else 200
    return render(request, "studio/upload_form.html", {"form": form}, status=status)


def _report_uploads(request: HttpRequest, created: list[Upload], refused: list[services.RefusedFile]) -> None:
    if refused:
        messages.warning(request, f"{len(created)} uploaded; {len(refused)} refused.")
        for name, reason in refused:
            messages.error(request, f"{name}: {reason}")
    elif len(created) == 1:
        messages.success(request, f"Uploaded “{created[0].title}”.")
    else:
        messages.success(request, f"{len(created)} images uploaded.")


@login_required
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "studio/upload_detail.html", {"upload": selectors.upload_of(request.user, pk)})


@login_required
@require_POST
def upload_delete(request: HttpRequest, pk: int) -> HttpResponse:
    upload = selectors.upload_of(request.user, pk)
    services.upload_delete(upload=upload, by=request.user)
    messages.success(request, f"Deleted “{upload.title}”.")
    return redirect("studio:upload_list")


@login_required
@require_GET
def upload_file(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    return image_or_thumb(selectors.upload_of(request.user, pk), variant)


# --- Jobs ------------------------------------------------------------------------------------


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/job_list.html", {"page": _page(request, selectors.jobs_of(request.user))})


@login_required
def job_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    # ?content=&style=&style=... prefill the form (links from uploads and classroom assignments).
    initial = {"content": request.GET.get("content"), "style": request.GET.getlist("style")}
    initial["algorithm"] = request.GET.get("algorithm")  # JobForm starts on the first ready one otherwise
    options_initial: dict[str, dict[str, Any]] = {}
    again = request.GET.get("again", "")
    if again.isdigit():  # "Run again": the job's own settings, to run as they were or edit first
        rerun = selectors.job_of(request.user, int(again))
        initial, options_initial[rerun.algorithm] = selectors.job_rerun_initial(rerun)
    form = JobForm(
        data.copy() if data is not None else None, request.FILES or None, owner=request.user, initial=initial
    )
    panels = option_panels(data, initial=options_initial)
    if data is not None and form.is_valid():
        name = form.cleaned_data["algorithm"]
        options_form = next(panel.form for panel in panels if panel.entry.name == name)
        mask_keys = form.mask_keys(algorithms.REGISTRY[name])
        masks = _stored_masks(request.user, form, mask_keys)
        if masks is None:
            pass  # a mask was refused: its message is on its slot, the other picks stay
        elif options_form.is_valid() and form.cleaned_data["every_pair"]:
            try:
                batch = services.batch_create(
                    owner=request.user,
                    algorithm=name,
                    photos=form.chosen_photos(),
                    styles=[pick for pick, _ in _as_uploads(request.user, form.chosen_styles())],
                    models=form.chosen_models(algorithms.REGISTRY[name]),
                    options=options_form.cleaned_data,
                    masks=masks,
                )
            except ValidationError as error:
                aliases = {"styles": "style", "photos": "content", "models": "style"}
                show_errors(error, form, prefixes={"options.": options_form}, aliases=aliases)
            else:
                count = batch.jobs.count()
                messages.success(request, f"{_pictures(count)} {'is' if count == 1 else 'are'} queued.")
                return redirect(batch)
        elif options_form.is_valid():
            try:
                job = services.job_create(
                    owner=request.user,
                    algorithm=name,
                    content=form.cleaned_data["content"],
                    styles=_as_uploads(request.user, form.chosen_styles()),
                    options=options_form.cleaned_data,
                    masks=masks,
                )
            except ValidationError as error:
                errors = messages_by_key(error)
                for index, key in enumerate(mask_keys):  # "masks.1": the second picked style's mask
                    for message in errors.pop(f"masks.{index}", []):
                        form.add_error(f"mask_{key}", message)
                aliases = {"styles": "style", "masks": "style"}
                show_errors(ValidationError(errors), form, prefixes={"options.": options_form}, aliases=aliases)
            else:
                messages.success(request, "Your job is queued.")
                return redirect(job)
    chosen = next((p for p in panels if p.entry.name == form.data.get("algorithm")), None)
    context = {
        "form": form,
        "option_forms": panels,
        "picker": style_picker(form, panels, chosen),
        "style_limits": {entry.name: entry.style_limits[1] for entry in algorithms.offered()},
        "presets": {p.entry.name: {preset.name: preset.options for preset in p.entry.presets} for p in panels},
        # a failed request opens "More control" when the chosen algorithm's options there have errors
        "expert_errors": chosen is not None and any(field.errors for field in chosen.expert()),
    }
    return render(request, "studio/job_form.html", context, status=400 if data is not None else 200)


def _stored_masks(user: Any, form: JobForm, keys: list[str]) -> list[int | None] | None:
    """Each picked style's mask: a file sent now (uploaded or painted) is stored as the owner's mask
    upload, and the form keeps its id, so a later error loses it not; else the one kept from an
    earlier try; else None. None for all: a mask was refused (its message is on its slot)."""
    masks: list[int | None] = []
    refused = False
    for key in keys:
        file = form.cleaned_data.get(f"mask_{key}")
        if not file:
            masks.append(form.cleaned_data.get(f"maskid_{key}"))
            continue
        try:
            mask = services.upload_create(owner=user, file=file, kind=Upload.Kind.MASK)
        except ValidationError as error:
            form.add_error(f"mask_{key}", error.messages)
            refused = True
            continue
        form.data[f"maskid_{key}"] = str(mask.pk)
        form.kept_masks[mask.pk] = mask
        masks.append(mask.pk)
    return None if refused else masks


def _as_uploads(user: Any, styles: list[tuple[int | StyleModel, float]]) -> list[tuple[int | Upload, float]]:
    """A picked catalogue picture becomes the user's own copy of it (made once); upload ids stay ids."""
    return [
        (style_upload_from_model(owner=user, model=pick) if isinstance(pick, StyleModel) else pick, weight)
        for pick, weight in styles
    ]


@login_required
@require_GET
def job_estimate(request: HttpRequest) -> JsonResponse:
    """The job page's expected time for what the form holds now (its fields as query parameters)."""
    entry = algorithms.REGISTRY.get(request.GET.get("algorithm", ""))
    # "Make every pair": every picked photo with every picked style (a fast style: its model), one job each
    pairing = bool(request.GET.get("every_pair"))
    content = request.GET.getlist("content") if pairing else [request.GET.get("content", "")]
    wanted = [pk for pk in content if pk.isdigit() and int(pk) <= MAX_ID][: studio_setting("MAX_BATCH_JOBS")]
    photos = list(selectors.uploads_of(request.user, kind=Upload.Kind.CONTENT).filter(pk__in=wanted))
    expected = None
    if entry is not None and entry.offered and photos:
        options = entry.options_form(data=request.GET, prefix=entry.name)
        if options.is_valid():  # nothing to say while a value is not one yet
            styles = f"{entry.name}-{entry.fast_model_option}" if entry.fast_model_option else "style"
            columns = max(len(set(request.GET.getlist(styles))), 1) if pairing else 1
            jobs = [(options.cleaned_data, photo.width, photo.height) for photo in photos] * columns
            expected = selectors.jobs_expected_time(entry, jobs)
    return JsonResponse(expected or {"text": ""})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_of(request.user, pk)
    return render(
        request,
        "studio/job_detail.html",
        {
            "job": job,
            "progress": selectors.job_progress(job),
            "algorithm": algorithms.REGISTRY.get(job.algorithm),
            "masks": selectors.job_masks_shown(job),
        },
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(selectors.job_progress(selectors.job_progress_of(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = services.job_cancel(job=selectors.job_of(request.user, pk), by=request.user)
    if job.state == Job.State.CANCELLED:
        messages.info(request, "The job was cancelled.")
    elif job.state == Job.State.RUNNING:
        messages.info(request, "Stopping the job…")
    return redirect(job)


@login_required
@require_POST
def job_save_partial(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_of(request.user, pk)
    try:
        result = services.job_save_partial(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(job)
    messages.success(request, "Saved as a result.")
    return redirect(result)


@login_required
@require_GET
def job_preview(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(selectors.job_of(request.user, pk).preview)


# --- Batches ---------------------------------------------------------------------------------


def _pictures(count: int) -> str:
    return "1 picture" if count == 1 else f"{count} pictures"


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/batch_list.html", {"page": _page(request, selectors.batches_of(request.user))})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_of(request.user, pk)
    progress = selectors.batch_progress(batch)
    context = {
        "batch": batch,
        "progress": progress,
        "rows": selectors.batch_rows(progress),
        "expected": None if progress["finished"] else selectors.batch_expected_time(batch),
    }
    return render(request, "studio/batch_detail.html", context)


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(selectors.batch_progress(selectors.batch_of(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_of(request.user, pk)
    cancelled = services.batch_cancel(batch=batch, by=request.user)
    messages.info(request, f"Cancelled {_pictures(cancelled)} not yet made; the pictures already made are kept.")
    return redirect(batch)


@login_required
@require_GET
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_of(request.user, pk)
    return archive_response(batch_zip(batch), f"{batch.name[:80]}.zip")


# --- Results ---------------------------------------------------------------------------------


@login_required
def result_list(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/result_list.html", {"page": _page(request, selectors.results_of(request.user))})


def result_detail(request: HttpRequest, token: str) -> HttpResponse:
    result = visible_or_login(request, lambda: selectors.result_row_for_viewer(request.user, token))
    if isinstance(result, HttpResponse):
        return result
    owner = is_owner(request.user, result)
    job = functools.cache(lambda: selectors.result_source_job(result))
    context = {
        "result": result,
        "is_owner": owner,
        # Called by the template only when it draws the cached pictures again: a cached page reads no inputs.
        "job": job,
        "masks": lambda: selectors.job_masks_shown(job()) if job() else [],
        "edit_form": ResultForm(initial={"title": result.title, "visibility": result.visibility}) if owner else None,
        "albums": selectors.albums_of(request.user) if owner else (),
        "in_albums": result.albums.filter(owner_id=request.user.pk) if owner else (),
        "share_url": request.build_absolute_uri(result.get_absolute_url()),
        "version": result_pages_version(),
    }
    return render(request, "studio/result_detail.html", context)


@require_GET
def result_file(request: HttpRequest, token: str, variant: str) -> HttpResponse:
    result = visible_or_login(request, lambda: selectors.result_row_for_viewer(request.user, token))
    if isinstance(result, HttpResponse):
        return result
    if variant not in ("image", "thumb", "download", "full", "photo") or (
        variant in ("full", "photo") and not result.has_layers
    ):
        raise Http404("No such file.")
    if variant == "thumb":
        return file_response(result.thumbnail)
    if variant in ("full", "photo"):  # the strength layers, for the page's slider
        return file_response(result.full_image if variant == "full" else result.photo_image)
    if variant == "download":
        suffix = PurePosixPath(result.image.name).suffix
        return file_response(result.image, download_name=f"{result.title[:80] or 'result'}{suffix}")
    return file_response(result.image)


@require_GET
def result_input(request: HttpRequest, token: str, upload_pk: int, variant: str) -> HttpResponse:
    """The photo and styles a result was made from, for whoever may see the result."""
    result = visible_or_login(request, lambda: selectors.result_for_viewer(request.user, token))
    if isinstance(result, HttpResponse):
        return result
    job = result.source_job
    inputs = (
        [job.content, *(s.upload for s in job.job_styles.all()), *(m.upload for m in job.job_masks.all())]
        if job
        else []
    )
    upload = next((u for u in inputs if u is not None and u.pk == upload_pk), None)
    if upload is None:
        raise Http404("No such image.")
    return image_or_thumb(upload, variant)


@login_required
@require_POST
def result_edit(request: HttpRequest, token: str) -> HttpResponse:
    result = selectors.result_for_owner(request.user, token)
    form = ResultForm(request.POST)
    if form.is_valid():
        services.result_update(result=result, by=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
    else:
        messages.error(request, "Give the result a title and choose who can see it.")
    return redirect(result)


@login_required
@require_POST
def result_restrength(request: HttpRequest, token: str) -> HttpResponse:
    """Save the result again at the strength the page's slider chose."""
    result = selectors.result_for_owner(request.user, token)
    try:
        saved = services.result_restrength(result=result, strength=request.POST.get("strength"), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(result)
    messages.success(request, f"Saved as a new result at strength {round(saved.strength * 100)}%.")
    return redirect(saved)


@login_required
@require_POST
def result_delete(request: HttpRequest, token: str) -> HttpResponse:
    result = selectors.result_for_owner(request.user, token)
    services.result_delete(result=result, by=request.user)
    messages.success(request, f"Deleted “{result.title}”.")
    return redirect("studio:result_list")


# --- Albums ----------------------------------------------------------------------------------


@login_required
def album_list(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/album_list.html", {"albums": selectors.albums_listed(request.user)})


@login_required
def album_create(request: HttpRequest) -> HttpResponse:
    form = AlbumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            album = services.album_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(error, form)
        else:
            messages.success(request, f"Created the album “{album.title}”.")
            return redirect(album)
    return render(request, "studio/album_form.html", {"form": form}, status=400 if form.errors else 200)


def album_detail(request: HttpRequest, token: str) -> HttpResponse:
    album = visible_or_login(request, lambda: selectors.album_for_viewer(request.user, token))
    if isinstance(album, HttpResponse):
        return album
    return render(
        request,
        "studio/album_detail.html",
        {
            "album": album,
            "is_owner": is_owner(request.user, album),
            "page": _page(request, selectors.album_results_for_viewer(request.user, album)),
            "share_url": request.build_absolute_uri(album.get_absolute_url()),
        },
    )


@login_required
def album_edit(request: HttpRequest, token: str) -> HttpResponse:
    album = selectors.album_for_owner(request.user, token)
    form = AlbumForm(request.POST or None, instance=album)
    if request.method == "POST" and form.is_valid():
        try:
            services.album_update(album=album, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(error, form)
        else:
            messages.success(request, "Saved.")
            return redirect(album)
    return render(request, "studio/album_form.html", {"form": form, "album": album}, status=400 if form.errors else 200)


@login_required
@require_POST
def album_delete(request: HttpRequest, token: str) -> HttpResponse:
    album = selectors.album_for_owner(request.user, token)
    services.album_delete(album=album, by=request.user)
    messages.success(request, f"Deleted the album “{album.title}”. Its results are still in My results.")
    return redirect("studio:album_list")


@login_required
@require_POST
def album_add(request: HttpRequest, token: str) -> HttpResponse:
    """Add the result `token` to the album chosen in the form; back to the result page."""
    result = selectors.result_for_owner(request.user, token)
    album = selectors.album_for_owner(request.user, request.POST.get("album", ""))
    services.album_add_result(album=album, result=result, by=request.user)
    messages.success(request, f"Added to “{album.title}”.")
    return redirect(result)


@login_required
@require_POST
def album_remove(request: HttpRequest, token: str) -> HttpResponse:
    album = selectors.album_for_owner(request.user, token)
    result = selectors.result_for_owner(request.user, request.POST.get("result", ""))
    services.album_remove_result(album=album, result=result, by=request.user)
    messages.success(request, f"Removed from “{album.title}”.")
    return redirect(album)
