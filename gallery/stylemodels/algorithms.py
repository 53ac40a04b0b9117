"""Johnson and Chen entries of the studio's algorithm registry (registered by this app's ready()):
each picks one enabled StyleModel.

A job's options keep the model's id (JSON); the config is rebuilt in the worker, so a model
disabled after the job was queued makes the job fail with a clear message instead of running.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms

from gallery.core.files import local_copy
from gallery.studio.algorithms import (
    Algorithm,
    MaskedFinishOptionsForm,
    RunInputs,
    Timing,
    finish_options,
    one_pass_work,
    pictured,
)
from stylecore import chen, johnson, tiles
from stylecore.errors import OptionError
from stylecore.progress import ProgressCallback
from stylecore.record import RunRecord

from .models import Kind, StyleModel
from .selectors import style_models_enabled

# What users read while no model of a kind is enabled, and what staff read (they can change it).
NO_DECODER = "Chen style swap isn't available yet on this site."
NO_DECODER_STAFF = "No Chen decoder is enabled yet: upload or train one in the admin (Style models)."
NO_JOHNSON_MODEL = "Fast styles aren't available yet on this site."
NO_JOHNSON_MODEL_STAFF = "No Johnson style model is enabled yet: upload or train one in the admin (Style models)."


def missing_models(kind: str, users: str, staff: str) -> Callable[[bool], str | None]:
    """An entry's `missing_models`: None once a model of `kind` is enabled, else the message for
    staff or for users."""
    return lambda for_staff: None if style_models_enabled(kind).exists() else (staff if for_staff else users)


class StyleModelChoiceField(forms.ModelChoiceField):
    """Offers enabled models of one kind; cleans to the model's id so job options stay JSON."""

    def __init__(self, kind: str, *, missing: str, **kwargs: Any) -> None:
        self.kind = kind
        self.missing = missing
        super().__init__(queryset=style_models_enabled(kind), **kwargs)

    def label_from_instance(self, obj: StyleModel) -> str:
        return f"{obj.name} ({obj.variant})" if obj.variant else obj.name

    def clean(self, value: Any) -> int | None:
        model = super().clean(value)
        return model.pk if model is not None else None


class ModelOptionsForm(MaskedFinishOptionsForm):
    """Options of an entry that runs a StyleModel (strength and colours first): says plainly when
    no model of a kind is enabled, instead of showing an empty drop-down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, StyleModelChoiceField) and not field.queryset.exists():
                field.help_text = field.missing
                field.empty_label = "(none enabled)"
                field.error_messages = {**field.error_messages, "required": field.missing}


def result_size_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False, help_text="Longer side of the result; leave empty to keep the photo's size."
    )


def tile_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        label="Tile size",
        help_text=(
            "Large photos are stylized in tiles of this many pixels, which needs less memory; "
            f"leave empty for automatic (tiles of {tiles.TILE_SIZE} above {tiles.TILE_ABOVE} pixels), 0 for never."
        ),
    )


@dataclass(frozen=True)
class ModelRun:
    """A job's trained network, looked up again in the worker, and its stylecore config."""

    model: StyleModel
    config: Any


def enabled_model(pk: Any, kind: str, field: str) -> StyleModel:
    model = style_models_enabled(kind).filter(pk=pk).first() if pk is not None else None
    if model is None:
        raise OptionError(field, "This style model is not available (it was disabled or removed); choose another.")
    return model


# --- Johnson -----------------------------------------------------------------------------------


class JohnsonOptionsForm(ModelOptionsForm):
    model = StyleModelChoiceField(
        Kind.JOHNSON, missing=NO_JOHNSON_MODEL, label="Style model", empty_label="Choose a style"
    )
    size = result_size_field()
    tile = tile_field()


def _johnson_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> ModelRun:
    return ModelRun(
        model=enabled_model(options.get("model"), Kind.JOHNSON, "model"),
        config=johnson.JohnsonConfig(size=options.get("size"), tile=options.get("tile"), **finish_options(options)),
    )


def _johnson_run(job: ModelRun, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    model = local_copy(job.model.file, Path(inputs.output).parent, "model")
    return johnson.run_files(
        model,
        inputs.content,
        inputs.output,
        job.config,
        masks=inputs.masks or None,
        model_name=job.model.name,
        on_progress=on_progress,
        layers=inputs.layers,
    )


JOHNSON = Algorithm(
    name="johnson",
    label="Johnson (fast style network)",
    description="One pass through a network trained for one style: pick a style model, no style upload.",
    options_form=JohnsonOptionsForm,
    build_config=_johnson_config,
    run=_johnson_run,
    work=one_pass_work,
    min_styles=0,
    max_styles=0,
    comparable=True,
    takes_masks=True,
    model_kind=Kind.JOHNSON,
    model_option="model",
    missing_models=missing_models(Kind.JOHNSON, NO_JOHNSON_MODEL, NO_JOHNSON_MODEL_STAFF),
    timing=Timing(fallback={"cpu": 10.0}),  # bench/job_times.py: the standard network, as the catalogue's
)


# --- Chen style swap ---------------------------------------------------------------------------

_CHEN = chen.ChenConfig()


class ChenOptionsForm(ModelOptionsForm):
    decoder = StyleModelChoiceField(Kind.CHEN_DECODER, missing=NO_DECODER, label="Decoder", empty_label=None)
    patch = pictured(
        forms.IntegerField(
            initial=_CHEN.patch, help_text="Style patch side (feature pixels): larger copies bigger motifs."
        ),
        "chen_patch.webp",
        "The style image cut into a grid of patches of 3 and of 5 feature pixels (4 image pixels each).",
    )
    stride = pictured(
        forms.IntegerField(initial=_CHEN.stride, help_text="Patch step; at most the patch size."),
        "chen_stride.webp",
        "Three neighbouring 3x3 patches: at stride 1 they overlap, at stride 3 they sit side by side.",
    )
    style_size = forms.IntegerField(initial=_CHEN.style_size, help_text="Longer side the style image is scaled to.")
    size = result_size_field()
    tile = tile_field()


def _chen_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> ModelRun:
    return ModelRun(
        model=enabled_model(options.get("decoder"), Kind.CHEN_DECODER, "decoder"),
        config=chen.ChenConfig(
            patch=options["patch"],
            stride=options["stride"],
            style_size=options["style_size"],
            size=options.get("size"),
            tile=options.get("tile"),
            **finish_options(options),
        ),
    )


def _chen_run(job: ModelRun, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    decoder = local_copy(job.model.file, Path(inputs.output).parent, "decoder")
    return chen.run_files(
        inputs.content,
        inputs.styles[0] if len(inputs.styles) == 1 else inputs.styles,  # several: each in its mask
        inputs.output,
        job.config,
        decoder=decoder,
        masks=inputs.masks or None,
        decoder_name=job.model.name,
        on_progress=on_progress,
        layers=inputs.layers,
    )


CHEN = Algorithm(
    name="chen",
    label="Chen style swap (any style, fast)",
    description="Swaps each patch of the photo for the closest style patch, then decodes: any one style image.",
    options_form=ChenOptionsForm,
    build_config=_chen_config,
    run=_chen_run,
    work=one_pass_work,
    min_styles=1,
    max_styles=1,
    max_masked_styles=3,  # one swap per style, each composited into its mask
    comparable=True,
    needs_vgg=True,
    takes_masks=True,
    model_kind=Kind.CHEN_DECODER,
    model_option="decoder",
    missing_models=missing_models(Kind.CHEN_DECODER, NO_DECODER, NO_DECODER_STAFF),
    timing=Timing(fallback={"cpu": 56.0}),  # bench/job_times.py, default options
)
