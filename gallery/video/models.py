"""Uploaded videos and the stylized videos made from them.

A video job is a studio Job (algorithm "video", the video's id in its options); its output is a
studio Result (poster frame as the picture, so it sits in "My results" and albums) plus a
VideoResult holding the MP4. Files follow the studio's naming rule: MEDIA_ROOT/<owner id>/...
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse

from gallery.studio.models import Result, owner_file_path


def _suffix(filename: str) -> str:
    return PurePosixPath(filename).suffix or ".bin"  # the service chose the name: keep its extension


def video_file_path(instance: models.Model, filename: str) -> str:
    return owner_file_path(instance.owner_id, "videos", _suffix(filename))


def poster_path(instance: models.Model, filename: str) -> str:
    return owner_file_path(instance.owner_id, "thumbs", _suffix(filename))


class Video(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=video_file_path, max_length=300)
    poster = models.FileField(upload_to=poster_path, max_length=300)  # first frame, JPEG
    container = models.CharField(max_length=20)  # mp4, matroska, webm...
    width = models.PositiveIntegerField()  # as displayed
    height = models.PositiveIntegerField()
    frames = models.PositiveIntegerField()
    fps = models.CharField(max_length=30)  # exact fraction, e.g. "30000/1001"
    duration = models.FloatField()  # seconds
    video_codec = models.CharField(max_length=30)
    audio_codec = models.CharField(max_length=30, blank=True)  # "" = no sound
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("video:video_detail", args=[self.pk])


class VideoResult(models.Model):
    """The MP4 of a video job's Result (the Result's picture is its first stylized frame)."""

    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="video")
    source = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="results")
    file = models.FileField(upload_to=video_file_path, max_length=300)
    frames = models.PositiveIntegerField()
    fps = models.CharField(max_length=30)
    has_audio = models.BooleanField(default=False)

    @property
    def owner_id(self) -> int:
        return self.result.owner_id

    def __str__(self) -> str:
        return f"video of {self.result}"
