"""Reads for videos: single-object lookups raise Http404 for "missing" and "not yours" alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gallery.core.users import User
from gallery.studio import selectors as studio

from .models import Video, VideoResult


def videos_of(user: User) -> QuerySet[Video]:
    return Video.objects.filter(owner_id=user.pk)


def video_of(user: User, pk: int) -> Video:
    return get_object_or_404(videos_of(user), pk=pk)


def video_result_for_viewer(user: User, token: str) -> VideoResult:
    """The MP4 of a result the viewer may see (same rule as the result's page)."""
    result = studio.result_for_viewer(user, token)
    try:
        return result.video
    except VideoResult.DoesNotExist:
        raise Http404("This result is not a video.") from None
