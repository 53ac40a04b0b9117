"""Page forms: they only collect input; services.py validates and saves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from gallery.core.conf import studio_setting
from gallery.stylemodels.models import StyleModel
from gallery.stylemodels.selectors import catalogue_styles, style_copies_of

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


MAX_ID = 2**63 - 1  # the largest row id (64-bit signed): SQLite cannot even compare larger ones
CATALOGUE_PREFIX = "catalogue-"  # a picked catalogue style: "catalogue-<style model id>"; a user's style: "<upload id>"
FAST_MASK = "fast"  # the mask slot of the picked fast style (its model runs one style)


@dataclass(frozen=True)
class MaskSlot:
    """A picked style's optional region mask on the job page: a file (uploaded or painted on the
    photo) and the mask an earlier try of the form already stored (kept across errors)."""

    key: str
    title: str  # the style's
    file: forms.BoundField
    kept: forms.BoundField
    masks: Mapping[int, Upload]  # the form's kept masks by id

    @property
    def kept_mask(self) -> Upload | None:
        value = str(self.kept.value() or "")
        return self.masks.get(int(value)) if value.isdigit() and int(value) <= MAX_ID else None


@dataclass(frozen=True)
class StyleCard:
    """One clickable style picture of the job page."""

    value: str
    title: str
    thumbnail_url: str
    weight: forms.BoundField
    mask: MaskSlot


class StylePicksField(forms.Field):
    """The picked styles, in page order: the owner's style upload ids as they are (the service
    judges whose they are) and catalogue styles as their StyleModel."""

    widget = forms.MultipleHiddenInput  # reads every posted value (the page draws its own checkboxes)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue: dict[str, StyleModel] = {}

    def to_python(self, value: Any) -> list[int | StyleModel]:
        picks: list[int | StyleModel] = []
        for item in dict.fromkeys(value or ()):  # a style picked twice counts once
            item = str(item)
            if item.isdigit() and int(item) <= MAX_ID:
                picks.append(int(item))
            elif item in self.catalogue:
                picks.append(self.catalogue[item])
            else:
                raise ValidationError("That style is no longer offered: choose another.")
        return picks


class JobForm(forms.Form):
    """The photo, the styles and the algorithm; each algorithm's options come from its own form.

    Photo and style ids are passed on as they are: services.job_create judges them.
    """

    algorithm = forms.ChoiceField(choices=algorithms.algorithm_choices, widget=AlgorithmSelect)
    content = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Photo")
    style = StylePicksField(required=False, label="Style")
    # Several styles otherwise blend into one picture (Gatys): pairing is asked for, never guessed.
    every_pair = forms.BooleanField(
        required=False,
        label="Make every pair",
        help_text="Pick several photos and styles: each photo with each style on its own, one picture each.",
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.reasons = {entry.name: entry.unavailable_reason(staff=owner.is_staff) for entry in algorithms.offered()}
        self.fields["algorithm"].widget.reasons = self.reasons
        if self.initial.get("algorithm") not in algorithms.REGISTRY:  # start on the first one that can run
            self.initial["algorithm"] = next((name for name, reason in self.reasons.items() if not reason), "gatys")
        self.photos = list(Upload.objects.filter(owner=owner, kind=Upload.Kind.CONTENT))
        if self.initial.get("content") is None and self.photos:
            self.initial["content"] = self.photos[0].pk  # the newest: usually the one just uploaded
        catalogue = list(catalogue_styles())
        self.fields["style"].catalogue = {f"{CATALOGUE_PREFIX}{model.pk}": model for model in catalogue}
        # a copy of a catalogue picture is picked as that picture, so it is listed once
        copied = style_copies_of(owner)
        listed = {model.pk for model in catalogue}
        own = [u for u in Upload.objects.filter(owner=owner, kind=Upload.Kind.STYLE) if copied.get(u.pk) not in listed]

        def pick_value(upload_id: Any) -> str:
            model = copied.get(int(upload_id)) if str(upload_id).isdigit() else None
            return f"{CATALOGUE_PREFIX}{model}" if model in listed else str(upload_id)

        weights = self.initial.pop("weights", {})
        self.initial["style"] = [pick_value(pk) for pk in self.initial.get("style") or ()]
        for pk, weight in weights.items():
            self.initial[f"weight_{pick_value(pk)}"] = weight
        for pk, mask in self.initial.pop("masks", {}).items():  # a job run again: its masks
            self.initial[f"maskid_{FAST_MASK if pk == FAST_MASK else pick_value(pk)}"] = mask
        self.own_styles = self._cards(
            (str(u.pk), u.title, reverse("studio:upload_file", args=[u.pk, "thumb"])) for u in own
        )
        self.catalogue_styles = self._cards((f"{CATALOGUE_PREFIX}{m.pk}", m.name, m.style_url()) for m in catalogue)
        self.fast_mask = self._mask_slot(FAST_MASK, "the fast style")

    def _cards(self, styles: Iterable[tuple[str, str, str]]) -> list[StyleCard]:
        cards = []
        for value, title, url in styles:
            name = f"weight_{value}"
            self.fields[name] = forms.FloatField(
                initial=1.0, required=False, label="Blend weight", widget=forms.NumberInput(attrs={"step": "0.1"})
            )
            cards.append(StyleCard(value, title, url, self[name], self._mask_slot(value, title)))
        return cards

    def _mask_slot(self, key: str, title: str) -> MaskSlot:
        file_name, kept_name = f"mask_{key}", f"maskid_{key}"
        self.fields[file_name] = forms.FileField(
            required=False,
            label=f"Mask for {title}",
            widget=forms.FileInput(attrs={"accept": "image/*", "data-mask-file": ""}),
        )
        self.fields[kept_name] = forms.IntegerField(
            required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput(attrs={"data-mask-kept": ""})
        )
        return MaskSlot(key, title, self[file_name], self[kept_name], self.kept_masks)

    @cached_property
    def kept_masks(self) -> dict[int, Upload]:
        """The owner's masks an earlier try of this form stored, or the job run again had."""
        values = self.data if self.is_bound else self.initial
        ids = [
            int(value)
            for key, value in values.items()
            if key.startswith("maskid_") and str(value).isdigit() and int(value) <= MAX_ID
        ]
        return Upload.objects.filter(owner_id=self.owner.pk, kind=Upload.Kind.MASK).in_bulk(ids) if ids else {}

    def mask_keys(self, algorithm: algorithms.Algorithm) -> list[str]:
        """The mask slot of each picked style, in the order of the styles (a fast style: one slot)."""
        if algorithm.fast_model_option:
            return [FAST_MASK]
        return [
            f"{CATALOGUE_PREFIX}{pick.pk}" if isinstance(pick, StyleModel) else str(pick)
            for pick in self.cleaned_data["style"]
        ]

    def chosen_photo(self) -> str:
        return str(self["content"].value() or "")

    def pairing(self) -> bool:
        return bool(self["every_pair"].value())

    def picked_photos(self) -> set[str]:
        """The photos shown as picked: with "every pair", every posted one."""
        if self.is_bound and self.pairing():
            return set(self.data.getlist(self["content"].html_name))
        return {self.chosen_photo()}

    def chosen_photos(self) -> list[int]:
        """Every posted photo id, in page order, for "every pair" (services.batch_create judges them)."""
        return self._posted_ids(self["content"].html_name)

    def chosen_models(self, entry: algorithms.Algorithm) -> list[int]:
        """Every posted fast-style model id of `entry`, in page order, for "every pair"."""
        return self._posted_ids(f"{entry.name}-{entry.fast_model_option}") if entry.fast_model_option else []

    def _posted_ids(self, name: str) -> list[int]:
        values = dict.fromkeys(self.data.getlist(name))
        return [int(value) for value in values if value.isdigit() and int(value) <= MAX_ID]

    def picked(self) -> set[str]:
        """The style values shown as picked (what was posted, or the starting values)."""
        value = self["style"].value() or ()
        return {str(item) for item in value}

    def chosen_styles(self) -> list[tuple[int | StyleModel, float]]:
        data = self.cleaned_data
        chosen = []
        for pick in data["style"]:
            key = f"{CATALOGUE_PREFIX}{pick.pk}" if isinstance(pick, StyleModel) else str(pick)
            weight = data.get(f"weight_{key}")
            chosen.append((pick, 1.0 if weight is None else weight))
        return chosen


# Options shown beside the Stylize button instead of under "More control", by field name.
PROMINENT_OPTIONS = ("strength", "preserve_colors", "unmasked")


class OptionsPanel(NamedTuple):
    """One algorithm's options form on the job page, split into the fields shown beside the
    Stylize button and the rest ("More control"); the fast-style model is picked as a picture."""

    entry: algorithms.Algorithm
    form: forms.Form

    def prominent(self) -> list[forms.BoundField]:
        return [self.form[name] for name in PROMINENT_OPTIONS if name in self.form.fields]

    def expert(self) -> list[forms.BoundField]:
        hidden = {*PROMINENT_OPTIONS, self.entry.fast_model_option}
        return [field for field in self.form if field.name not in hidden]


def option_forms(data: Any = None, initial: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, forms.Form]:
    """One bound (or unbound) options form per offered algorithm, prefixed by its name; `initial`
    gives an algorithm's starting values (a job run again)."""
    return {
        entry.name: entry.options_form(data=data, prefix=entry.name, initial=(initial or {}).get(entry.name))
        for entry in algorithms.offered()
    }


def option_panels(data: Any = None, initial: Mapping[str, Mapping[str, Any]] | None = None) -> list[OptionsPanel]:
    """The job page's options: each algorithm starts on its first preset unless `initial` says
    otherwise; a strength option is a slider."""
    starts = {entry.name: dict(entry.presets[0].options) for entry in algorithms.offered() if entry.presets}
    panels = [
        OptionsPanel(algorithms.REGISTRY[name], form)
        for name, form in option_forms(data, initial={**starts, **(initial or {})}).items()
    ]
    for panel in panels:
        strength = panel.form.fields.get("strength")
        if strength is not None and getattr(strength.widget, "input_type", "") == "number":
            strength.widget.input_type = "range"
            strength.widget.attrs = {"min": 0, "max": 1, "step": 0.05, **strength.widget.attrs}
    return panels


def style_picker(form: JobForm, panels: list[OptionsPanel], chosen: OptionsPanel | None) -> dict[str, Any]:
    """What the style grid offers: the fast-style entry's model field (None when it cannot run
    now), the any-style entry a picked picture runs with (one that takes seconds first), and why
    the algorithms it leaves out cannot run."""
    fast = next((p for p in panels if p.entry.fast_model_option), None)
    # an entry that runs a trained network (Chen) takes seconds; optimising pixels (Gatys) minutes
    any_style = sorted(
        (p.entry for p in panels if p.entry.style_limits[1] > 0), key=lambda entry: entry.model_kind is None
    )
    ready = [entry for entry in any_style if not form.reasons[entry.name]]
    left_out = [entry for entry in ([fast.entry] if fast else []) + any_style if form.reasons[entry.name]]
    field = fast.form[fast.entry.fast_model_option] if fast and not form.reasons[fast.entry.name] else None
    # with "every pair", every posted fast style stays picked
    picked = form.data.getlist(field.html_name) if field is not None and form.is_bound and form.pairing() else []
    return {
        "fast": field,
        "fast_values": set(picked) or {str(field.value() or "")} if field is not None else set(),
        "fast_errors": field.errors if field is not None and chosen is fast else [],
        "fast_algorithm": fast.entry.name if fast else "",
        "any_style": ready[0].name if ready else "",
        "reasons": [
            f"{entry.label} {entry.weights_missing()}." if entry.weights_missing() else form.reasons[entry.name]
            for entry in left_out
        ],
    }


class ResultForm(forms.Form):
    title = forms.CharField(max_length=200)
    visibility = forms.ChoiceField(choices=Visibility.choices, widget=forms.RadioSelect)


class AlbumForm(forms.ModelForm):
    class Meta:
        model = Album
        fields = ["title", "description", "visibility"]
        widgets = {"visibility": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
