"""Video uploads are opened by stylecore.video.inspect_video before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from gallery.video import services
from gallery.video.models import Video
from tests.video.conftest import as_video, clip_bytes

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file() and "videos" in p.parts) if root.exists() else []


def test_a_renamed_text_file_is_refused_with_a_clear_message_and_leaves_nothing(owner_client) -> None:  # noqa: ANN001
    before = stored_files()
    fake = as_video("holiday.mp4", b"this is a shopping list, not a video\n" * 20)
    response = owner_client.post(reverse("video:video_create"), {"file": fake})
    assert response.status_code == 400
    assert "not a video we can read" in response.content.decode()
    assert not Video.objects.exists()
    assert stored_files() == before


def test_a_truncated_video_is_refused_and_leaves_nothing(owner, tmp_path: Path) -> None:  # noqa: ANN001
    data = clip_bytes(tmp_path, frames=24, size=(64, 48))
    before = stored_files()
    with pytest.raises(ValidationError) as caught:
        services.video_create(owner=owner, file=as_video("cut.mp4", data[: len(data) // 2]))
    assert "file" in caught.value.message_dict
    assert not Video.objects.exists()
    assert stored_files() == before


def test_a_real_clip_is_stored_with_its_facts_and_a_poster(owner_client, owner, tmp_path: Path) -> None:  # noqa: ANN001
    clip = as_video("my_holiday-clip.webm", clip_bytes(tmp_path, "c.webm", frames=6, size=(64, 48), audio="libopus"))
    response = owner_client.post(reverse("video:video_create"), {"file": clip})
    video = Video.objects.get(owner=owner)
    assert response.status_code == 302 and response.url == video.get_absolute_url()
    assert (video.title, video.container, video.frames) == ("my holiday clip", "matroska", 6)
    assert (video.width, video.height, video.audio_codec) == (64, 48, "opus")
    assert video.file.name.startswith(f"{owner.pk}/videos/") and video.file.name.endswith(".webm")
    assert video.poster.size > 0
