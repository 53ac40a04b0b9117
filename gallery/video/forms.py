from __future__ import annotations

from typing import Any

from django import forms

from gallery.core.users import User
from gallery.studio.models import Upload

from .algorithms import VideoOptionsForm


class VideoUploadForm(forms.Form):
    file = forms.FileField(label="Video", help_text="MP4, MOV, WebM or MKV.")
    title = forms.CharField(max_length=200, required=False)


class VideoJobForm(VideoOptionsForm):
    """The video page's form: the registry entry's options plus the Chen style upload."""

    style = forms.ModelChoiceField(
        queryset=Upload.objects.none(), required=False, label="Style image (Chen)", empty_label="—"
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["style"].queryset = Upload.objects.filter(owner_id=owner.pk, kind=Upload.Kind.STYLE)
        del self.fields["video"]  # the page's video
