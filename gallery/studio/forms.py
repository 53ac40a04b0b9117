"""Page forms: they only collect input; services.py validates and saves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from gallery.core.conf import studio_setting

from . import algorithms
from .models import Album, Upload, Visibility


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """The files sent under one name, as a list. Each is judged by services.uploads_create, so one
    bad (even empty) file does not refuse the others here."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [file for file in data or [] if file]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class UploadForm(forms.Form):
    file = MultipleFileField(label="Images", widget=MultipleFileInput(attrs={"accept": "image/*"}))
    kind = forms.ChoiceField(choices=Upload.Kind.choices, initial=Upload.Kind.CONTENT, widget=forms.RadioSelect)
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="For a single image; leave empty to use the file name. With several, each is named after its file.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = studio_setting("MAX_UPLOAD_BYTES") // 2**20
        self.max_files = studio_setting("MAX_FILES_PER_UPLOAD")
        help_text = f"JPEG, PNG, GIF, WebP, BMP or TIFF, up to {limit} MB each; up to {self.max_files} images at once."
        self.fields["file"].help_text = help_text


class UploadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Upload) -> str:
        return f"{obj.title} ({obj.width}×{obj.height})"


class AlgorithmSelect(forms.Select):
    """The algorithm picker: an algorithm that cannot run now is shown, greyed out, with the reason
    (`reasons`, set by JobForm once per form: asking costs queries)."""

    reasons: Mapping[str, str | None] = {}

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int, **kwargs: Any) -> dict:
        option = super().create_option(name, value, label, selected, index, **kwargs)
        reason = self.reasons.get(str(value))
        if reason:
            option["label"] = f"{label} — {reason}"
            option["attrs"]["disabled"] = True
        return option


class JobForm(forms.Form):
    """Picks the algorithm and the images; each algorithm's options come from its own form."""

    algorithm = forms.ChoiceField(choices=algorithms.algorithm_choices, widget=AlgorithmSelect)
    content = UploadChoiceField(queryset=Upload.objects.none(), label="Photo", empty_label="Choose a photo")

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = {entry.name: entry.unavailable_reason() for entry in algorithms.offered()}
        self.fields["algorithm"].widget.reasons = reasons
        if self.initial.get("algorithm") not in algorithms.REGISTRY:  # start on the first one that can run
            self.initial["algorithm"] = next((name for name, reason in reasons.items() if not reason), "gatys")
        self.fields["content"].queryset = Upload.objects.filter(owner=owner, kind=Upload.Kind.CONTENT)
        styles = Upload.objects.filter(owner=owner, kind=Upload.Kind.STYLE)
        self.style_count = studio_setting("MAX_STYLES")
        for index in range(1, self.style_count + 1):
            self.fields[f"style_{index}"] = UploadChoiceField(
                queryset=styles,
                required=False,
                label=f"Style {index}",
                empty_label="Choose a style" if index == 1 else "(none)",
            )
            self.fields[f"weight_{index}"] = forms.FloatField(
                initial=1.0, required=False, label="Blend weight", widget=forms.NumberInput(attrs={"step": "0.1"})
            )

    def style_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"style_{i}"], self[f"weight_{i}"]) for i in range(1, self.style_count + 1)]

    def chosen_styles(self) -> list[tuple[Upload, float]]:
        data = self.cleaned_data
        return [
            (data[f"style_{i}"], 1.0 if data.get(f"weight_{i}") is None else data[f"weight_{i}"])
            for i in range(1, self.style_count + 1)
            if data.get(f"style_{i}")
        ]


def option_forms(data: Any = None, initial: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, forms.Form]:
    """One bound (or unbound) options form per offered algorithm, prefixed by its name; `initial`
    gives an algorithm's starting values (a job run again)."""
    return {
        entry.name: entry.options_form(data=data, prefix=entry.name, initial=(initial or {}).get(entry.name))
        for entry in algorithms.offered()
    }


class ResultForm(forms.Form):
    title = forms.CharField(max_length=200)
    visibility = forms.ChoiceField(choices=Visibility.choices, widget=forms.RadioSelect)


class AlbumForm(forms.ModelForm):
    class Meta:
        model = Album
        fields = ["title", "description", "visibility"]
        widgets = {"visibility": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
