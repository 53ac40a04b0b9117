"""The one registry of algorithms the site offers.

Each entry says how the job form shows the algorithm's options (a Django form class), how the
cleaned options become a stylecore config dataclass (which validates ranges and raises
OptionError naming the field), and how the worker runs it (one stylecore `run_files` call).
Pages, the API and the admin all read this registry; adding an algorithm is one `register()`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from stylecore import gatys, zsn2n
from stylecore.errors import OptionError
from stylecore.progress import ProgressCallback
from stylecore.record import RunRecord


@dataclass(frozen=True)
class RunInputs:
    """Local copies of a job's files, made by the worker before the run."""

    content: Path | None
    styles: Sequence[Path]
    output: Path


# build_config(options, style_weights) -> stylecore config; raises OptionError.
ConfigBuilder = Callable[[Mapping[str, Any], Sequence[float]], Any]
# run(config, inputs, on_progress) -> RunRecord; raises StylecoreError for bad input.
Runner = Callable[[Any, RunInputs, ProgressCallback], RunRecord]


@dataclass(frozen=True)
class Algorithm:
    name: str
    label: str
    description: str
    options_form: type[forms.Form]
    build_config: ConfigBuilder
    run: Runner
    min_styles: int = 1
    max_styles: int = 3
    output_suffix: str = ".png"  # PNG keeps alpha and the RunRecord text chunk
    # Entries whose input is not a photo Upload (videos): they take no content photo, make their
    # own local inputs (job, scratch folder) -> RunInputs, store their own output (job=, output=,
    # record=) -> Result, and stay off the photo job form and API choices (offered=False).
    prepare_inputs: Callable[[Any, Path], RunInputs] | None = None
    store_output: Callable[..., Any] | None = None
    offered: bool = True


REGISTRY: dict[str, Algorithm] = {}

# Config fields the job form shows under another name.
CONFIG_FIELD_NAMES = {"style_blend": "styles"}


def register(algorithm: Algorithm) -> Algorithm:
    if algorithm.name in REGISTRY:
        raise ValueError(f"algorithm {algorithm.name!r} is registered twice")
    REGISTRY[algorithm.name] = algorithm
    return algorithm


def get_algorithm(name: str) -> Algorithm:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValidationError({"algorithm": f"Unknown algorithm {name!r}."}) from None


def algorithm_choices() -> list[tuple[str, str]]:
    return [(algorithm.name, algorithm.label) for algorithm in REGISTRY.values() if algorithm.offered]


def clean_options(algorithm: Algorithm, options: Mapping[str, Any], style_weights: Sequence[float]) -> dict[str, Any]:
    """Coerce `options` with the algorithm's form, then validate them with its stylecore config.

    Options left out take the form's initial value (the config's default), so API callers can
    send only what they change. Returns JSON-able cleaned values; raises ValidationError keyed
    by option name.
    """
    form_class = algorithm.options_form
    unknown = sorted(set(options) - set(form_class.base_fields))
    if unknown:
        raise ValidationError({name: "Unknown option." for name in unknown})
    data = {}
    for name, field in form_class.base_fields.items():
        if name in options:
            data[name] = options[name]
        elif not isinstance(field, forms.BooleanField) and field.initial is not None:
            data[name] = field.initial
    form = form_class(data=data)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    cleaned = form.cleaned_data
    try:
        algorithm.build_config(cleaned, style_weights)
    except OptionError as error:
        field = CONFIG_FIELD_NAMES.get(error.field, error.field)
        field = field if field in form_class.base_fields or field == "styles" else "__all__"
        raise ValidationError({field: error.message}) from None
    return cleaned


def _default(config_class: type, name: str) -> Any:
    """The stylecore config's default, so the form starts where the library does."""
    for field in dataclasses.fields(config_class):
        if field.name == name:
            return field.default
    raise LookupError(f"{config_class.__name__} has no field {name!r}")


def _preview_every() -> int:
    return settings.STUDIO["PREVIEW_EVERY"]


# --- Gatys -----------------------------------------------------------------------------------


class GatysOptionsForm(forms.Form):
    """Types and widgets only: ranges are checked by stylecore.gatys.GatysConfig."""

    size = forms.IntegerField(
        initial=_default(gatys.GatysConfig, "size"), help_text="Longer side of the result, in pixels."
    )
    steps = forms.IntegerField(
        initial=_default(gatys.GatysConfig, "steps"), help_text="Optimisation steps: more is slower and closer."
    )
    optimizer = forms.ChoiceField(
        choices=[("lbfgs", "L-BFGS (classic, fewer steps)"), ("adam", "Adam (steady, more steps)")],
        initial=_default(gatys.GatysConfig, "optimizer"),
    )
    lr = forms.FloatField(required=False, label="Learning rate", help_text="Leave empty for the optimiser's default.")
    content_weight = forms.FloatField(initial=_default(gatys.GatysConfig, "content_weight"))
    style_weight = forms.FloatField(initial=_default(gatys.GatysConfig, "style_weight"))
    tv_weight = forms.FloatField(initial=_default(gatys.GatysConfig, "tv_weight"), label="Smoothness (TV) weight")
    init = forms.ChoiceField(
        choices=[("content", "The photo"), ("noise", "Noise"), ("style", "The style image")],
        initial=_default(gatys.GatysConfig, "init"),
        label="Start from",
    )
    scales = forms.IntegerField(initial=_default(gatys.GatysConfig, "scales"), help_text="Coarse-to-fine passes.")
    preserve_colors = forms.BooleanField(required=False, label="Keep the photo's colours")
    denoise = forms.BooleanField(required=False, label="Denoise the result (ZS-N2N)")
    seed = forms.IntegerField(required=False, help_text="Same seed, same result.")


def _gatys_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> gatys.GatysConfig:
    return gatys.GatysConfig(
        **options,
        style_blend=tuple(style_weights) or None,
        preview_every=_preview_every(),
    )


def _gatys_run(config: gatys.GatysConfig, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    return gatys.run_files(inputs.content, inputs.styles, inputs.output, config, on_progress=on_progress)


register(
    Algorithm(
        name="gatys",
        label="Gatys (optimisation)",
        description="Any style, best quality, slow: optimises the pixels of the result.",
        options_form=GatysOptionsForm,
        build_config=_gatys_config,
        run=_gatys_run,
    )
)


# --- Denoise (ZS-N2N) ------------------------------------------------------------------------


class DenoiseOptionsForm(forms.Form):
    steps = forms.IntegerField(required=False, help_text="Leave empty for the tuned schedule.")
    seed = forms.IntegerField(required=False)


def _denoise_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> zsn2n.DenoiseConfig:
    return zsn2n.DenoiseConfig(**options, preview_every=_preview_every())


def _denoise_run(config: zsn2n.DenoiseConfig, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    return zsn2n.run_files(inputs.content, inputs.output, config, on_progress=on_progress)


register(
    Algorithm(
        name="denoise",
        label="Denoise (ZS-N2N)",
        description="Removes noise from one photo; no style image, no pretrained weights.",
        options_form=DenoiseOptionsForm,
        build_config=_denoise_config,
        run=_denoise_run,
        min_styles=0,
        max_styles=0,
    )
)
