"""Forms: they collect input; services.py validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gallery.studio import algorithms
from gallery.studio.forms import UploadChoiceField
from gallery.studio.models import Upload

from . import services
from .models import TrainingRun


class StyleModelUploadForm(forms.Form):
    file = forms.FileField(
        label="Model file",
        help_text="Our .safetensors (Johnson network or Chen decoder) or a public fast-neural-style .pth "
        "(converted on import). Checked before anything is saved.",
    )
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    style_image = forms.FileField(
        required=False, help_text="The style it was trained on (shown to staff; a Chen decoder's preview uses it)."
    )
    enabled = forms.BooleanField(required=False, help_text="Offer it to users right away (else: after review).")


class TrainingRunForm(forms.ModelForm):
    class Meta:
        model = TrainingRun
        fields = [
            "name",
            "kind",
            "variant",
            "style_image",
            "photo_folder",
            "photos_zip",
            "steps",
            "size",
            "batch",
            "checkpoint_every",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()  # builds self.instance from the cleaned data
        try:
            services.training_run_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)


def compare_choices() -> list[tuple[str, str]]:
    return [(entry.name, entry.label) for entry in algorithms.comparable()]


class CompareForm(forms.Form):
    content = UploadChoiceField(queryset=Upload.objects.none(), label="Photo", empty_label="Choose a photo")
    style = UploadChoiceField(
        queryset=Upload.objects.none(),
        required=False,
        label="Style",
        empty_label="Choose a style",
        help_text="Gatys and Chen use it; Johnson uses its trained style model instead.",
    )
    algorithms = forms.MultipleChoiceField(choices=compare_choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content"].queryset = Upload.objects.filter(owner=owner, kind=Upload.Kind.CONTENT)
        self.fields["style"].queryset = Upload.objects.filter(owner=owner, kind=Upload.Kind.STYLE)
        self.fields["algorithms"].initial = [name for name, _ in compare_choices()]
