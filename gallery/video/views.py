"""Video pages (upload, detail + new job, files) and the live webcam page: thin views over
selectors and services; every file goes through a permission check and supports Range."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gallery.core.conf import studio_setting
from gallery.core.errors import show_errors
from gallery.core.http import visible_or_login
from gallery.stylemodels.algorithms import NO_JOHNSON_MODEL, NO_JOHNSON_MODEL_STAFF
from gallery.stylemodels.models import Kind
from gallery.stylemodels.selectors import style_models_enabled
from stylecore import live

from . import selectors, services
from .forms import VideoJobForm, VideoUploadForm
from .ranges import ranged_file_response


@login_required
def video_list(request: HttpRequest) -> HttpResponse:
    return render(request, "video/video_list.html", {"videos": selectors.videos_of(request.user)})


@login_required
def video_create(request: HttpRequest) -> HttpResponse:
    form = VideoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            video = services.video_create(
                owner=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            show_errors(error, form)
        else:
            messages.success(request, "Video uploaded.")
            return redirect(video)
    return render(request, "video/video_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def video_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The video, and the form that makes a stylized copy of it (a studio job)."""
    video = selectors.video_of(request.user, pk)
    form = VideoJobForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        options = {k: v for k, v in form.cleaned_data.items() if k != "style" and v is not None}
        try:
            job = services.video_job_create(
                owner=request.user, video=video, style=form.cleaned_data["style"], options=options
            )
        except ValidationError as error:
            show_errors(error, form, prefixes={"options.": form}, aliases={"styles": "style"})
        else:
            messages.success(request, "Your video job is queued.")
            return redirect(job)
    context = {"video": video, "form": form, "results": video.results.select_related("result")}
    return render(request, "video/video_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def video_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.video_delete(video=selectors.video_of(request.user, pk), by=request.user)
    messages.info(request, "Video deleted.")
    return redirect("video:video_list")


@login_required
@require_GET
def video_file(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    video = selectors.video_of(request.user, pk)
    if variant not in ("file", "poster"):
        raise Http404("No such file.")
    return ranged_file_response(request, video.file if variant == "file" else video.poster)


@require_GET
def result_video(request: HttpRequest, token: str, variant: str) -> HttpResponse:
    """A video result's MP4 ("stylized") or its original, for whoever may see the result."""
    found = visible_or_login(request, lambda: selectors.video_result_for_viewer(request.user, token))
    if isinstance(found, HttpResponse):
        return found
    if variant == "stylized":
        return ranged_file_response(request, found.file)
    if variant == "original" and found.source is not None:
        return ranged_file_response(request, found.source.file)
    raise Http404("No such file.")


@login_required
def webcam(request: HttpRequest) -> HttpResponse:
    context = {
        "models": style_models_enabled(Kind.JOHNSON),
        "width": live.frame_width(),
        "gpu": live.has_gpu(),
        "cpu_width": live.CPU_WIDTH,
        "max_record_seconds": studio_setting("WEBCAM_MAX_RECORD_SECONDS"),
        "no_models": NO_JOHNSON_MODEL_STAFF if request.user.is_staff else NO_JOHNSON_MODEL,
    }
    return render(request, "video/webcam.html", context)
