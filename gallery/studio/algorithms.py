"""The one registry of algorithms: every fact about an algorithm lives in its entry.

An entry says what the algorithm takes (a photo or its own input, how many styles, which kind
of trained style model and under which option), how the job form and the API show its options
(a Django form class: types and widgets), how cleaned options become a stylecore config (which
checks ranges and raises OptionError naming the field), how the worker runs it (one stylecore
call), how much work a job is (the per-person queue limit), and where it is offered (job page
and API, compare page).

Each app registers its entries explicitly in its AppConfig.ready(); studio registers Gatys and
Denoise. Pages, the API, the compare page, the classroom and the admin all read this registry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gallery.core.conf import studio_setting
from stylecore import gatys, layers, zsn2n
from stylecore.errors import OptionError
from stylecore.features import weights_status
from stylecore.progress import ProgressCallback
from stylecore.record import RunRecord


@dataclass(frozen=True)
class RunInputs:
    """Local copies of a job's files, made by the worker before the run."""

    content: Path | None
    styles: Sequence[Path]
    output: Path
    # Where a stylizer keeps the full-strength result and the photo (stylecore.finish), so the
    # result page can change the strength later; None: the run keeps none.
    layers: Path | None = None
    # Region masks, one per style (or per model), None where a style covers the rest; () = none.
    masks: Sequence[Path | None] = ()


# build_config(options, style_weights) -> stylecore config; raises OptionError.
ConfigBuilder = Callable[[Mapping[str, Any], Sequence[float]], Any]
# run(config, inputs, on_progress) -> RunRecord; raises StylecoreError for bad input.
Runner = Callable[[Any, RunInputs, ProgressCallback], RunRecord]
# check_input(owner, options) -> {field: message} for an entry whose input is not a photo.
InputCheck = Callable[[Any, Mapping[str, Any]], dict[str, str]]
# work(cleaned options, photo Upload or None) -> the job's work as pixels x steps, which the per-person
# limit on queued work (MAX_QUEUED_WORK) adds up. Coarse on purpose: a step is one pass over the
# picture, whatever the network; a feed-forward algorithm makes one step per picture or frame.
WorkEstimate = Callable[[Mapping[str, Any], Any], int]


@dataclass(frozen=True)
class Preset:
    """Option values the job page sets with one click (Gatys: quick, balanced, best)."""

    name: str
    label: str
    help: str
    options: Mapping[str, Any]


def _one_pass(options: Mapping[str, Any]) -> int:
    return 1


def _all_pixels(options: Mapping[str, Any]) -> float:
    return 1.0


@dataclass(frozen=True)
class Timing:
    """What the job page's expected time needs. A unit is one step over one megapixel of the
    result; seconds = units x the median seconds per unit of this site's recent results of the
    algorithm (selectors.job_rate), or, before there are any, `fallback` for this device type,
    measured by bench/job_times.py."""

    fallback: Mapping[str, float]  # device type ("cpu") -> seconds per unit
    planned_steps: Callable[[Mapping[str, Any]], int] = _one_pass  # steps the options ask for
    # the mean share of the result's pixels one step works on (coarse-to-fine passes work on fewer)
    pixel_share: Callable[[Mapping[str, Any]], float] = _all_pixels
    # (options, steps, result pixels) -> units, where a step's cost does not follow the result's
    # pixels (Denoise trains on fixed-size crops); None: steps x megapixels x pixel_share
    units: Callable[[Mapping[str, Any], int, int], float] | None = None
    # (options, photo width, height) -> the peak memory a run on a CPU should need, bytes; None: unknown
    memory: Callable[[Mapping[str, Any], int, int], int | None] | None = None


@dataclass(frozen=True)
class Algorithm:
    name: str
    label: str
    description: str
    options_form: type[forms.Form]
    build_config: ConfigBuilder
    run: Runner
    work: WorkEstimate
    min_styles: int = 1
    max_styles: int | None = None  # None: as many as the MAX_STYLES setting allows
    output_suffix: str = ".png"  # PNG keeps alpha and the RunRecord text chunk
    offered: bool = True  # on the job page and the API's algorithm choices
    comparable: bool = False  # on the compare page (it needs a style to compare against)
    needs_vgg: bool = False  # runs VGG19: unavailable while its weights are missing
    # Entries that run a trained StyleModel: its kind, the option that carries its id, and what to
    # say while no model of the kind is enabled, to staff (True) or users (None once one is).
    model_kind: str | None = None
    model_option: str | None = None
    missing_models: Callable[[bool], str | None] | None = None
    # Entries whose input is not a photo Upload (videos): they take no content photo, judge their
    # own input (check_input), make local inputs (job, scratch folder) -> RunInputs, and store their
    # own output (job=, output=, record=) -> Result.
    check_input: InputCheck | None = None
    prepare_inputs: Callable[[Any, Path], RunInputs] | None = None
    store_output: Callable[..., Any] | None = None
    # Region masks: one per style (per model for an entry without style images); stylecore
    # composites them. With masks an entry may take more styles than it blends (Chen: one each).
    takes_masks: bool = False
    max_masked_styles: int | None = None  # None: as without masks
    presets: Sequence[Preset] = ()  # the job page starts on the first
    timing: Timing | None = None  # None: the job page shows no expected time

    @property
    def takes_photo(self) -> bool:
        return self.prepare_inputs is None

    @property
    def fast_model_option(self) -> str | None:
        """The option of an entry that runs one trained model per style (Johnson), which takes no
        style picture: the job page picks it as a picture, a batch takes several."""
        return self.model_option if self.model_option and self.style_limits[1] == 0 else None

    def weights_missing(self) -> str | None:
        """Why it cannot run at all on this site now (its VGG19 weights are missing), else None."""
        if self.needs_vgg and weights_status() == "missing":
            return "needs the VGG19 weights, which this site does not have yet (staff: manage.py fetch_models)"
        return None

    def unavailable_reason(self, *, staff: bool = False) -> str | None:
        """Why a job of this algorithm would fail right now (None: it can run), for the job form;
        `staff`: worded for someone who can change it (where in the admin)."""
        return self.weights_missing() or (self.missing_models(staff) if self.missing_models is not None else None)

    @property
    def style_limits(self) -> tuple[int, int]:
        most = studio_setting("MAX_STYLES")
        return self.min_styles, most if self.max_styles is None else min(self.max_styles, most)

    def style_limits_for(self, masked: bool) -> tuple[int, int]:
        """The style count limits of a request with masks (`masked`) or without."""
        fewest, most = self.style_limits
        if masked and self.max_masked_styles is not None:
            most = max(most, min(self.max_masked_styles, studio_setting("MAX_STYLES")))
        return fewest, most


REGISTRY: dict[str, Algorithm] = {}

# Config fields the job form shows under another name.
CONFIG_FIELD_NAMES = {"style_blend": "styles"}


def register(*entries: Algorithm) -> None:
    for entry in entries:
        if entry.name in REGISTRY:
            raise ValueError(f"algorithm {entry.name!r} is registered twice")
        REGISTRY[entry.name] = entry


def get_algorithm(name: str) -> Algorithm:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValidationError({"algorithm": f"Unknown algorithm {name!r}."}) from None


def offered() -> list[Algorithm]:
    return [entry for entry in REGISTRY.values() if entry.offered]


def comparable() -> list[Algorithm]:
    return [entry for entry in REGISTRY.values() if entry.comparable]


def algorithm_choices() -> list[tuple[str, str]]:
    return [(entry.name, entry.label) for entry in offered()]


def for_model_kind(kind: str) -> Algorithm:
    """The offered entry that runs StyleModels of `kind` (what the API tells clients to use)."""
    return next(entry for entry in offered() if entry.model_kind == kind)


def clean_options(algorithm: Algorithm, options: Mapping[str, Any], style_weights: Sequence[float]) -> dict[str, Any]:
    """Coerce `options` with the algorithm's form, then validate them with its stylecore config.

    Options left out take the form's initial value (the config's default), so API callers can
    send only what they change. Returns JSON-able cleaned values; raises ValidationError keyed
    by option name ("styles" for the blend, "__all__" for the rest).
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


def config_default(config_class: type, name: str) -> Any:
    """The stylecore config's default, so a form starts where the library does."""
    for field in dataclasses.fields(config_class):
        if field.name == name:
            return field.default
    raise LookupError(f"{config_class.__name__} has no field {name!r}")


def preview_every() -> int:
    return studio_setting("PREVIEW_EVERY")


def one_pass_work(options: Mapping[str, Any], photo: Any) -> int:
    """A feed-forward run: one step over the result's pixels (the `size` option squared, or the photo's)."""
    size = options.get("size")
    return size * size if size else photo.width * photo.height


class FinishOptionsForm(forms.Form):
    """Strength and colours, the first options of every stylizing algorithm (stylecore.finish)."""

    strength = forms.FloatField(
        required=False,  # left out: full strength
        initial=1.0,
        label="Style strength",
        widget=forms.NumberInput(attrs={"type": "range", "min": "0", "max": "1", "step": "0.05"}),
        help_text="0 is the photo, 1 the full style; the result page can change it later.",
    )
    preserve_colors = forms.BooleanField(required=False, label="Keep the photo's colours")

    def clean_strength(self) -> float:
        strength = self.cleaned_data["strength"]
        return 1.0 if strength is None else strength


@dataclass(frozen=True)
class HelpPicture:
    """A small picture of what an option does, shown beside its field (made by bench/help_pictures.py)."""

    file: str  # under static/img/help/
    alt: str


def pictured(field: forms.Field, file: str, alt: str) -> forms.Field:
    """The field, with a help picture the job page shows beside it."""
    field.help_picture = HelpPicture(file, alt)
    return field


class LayerWeightsField(forms.Field):
    """VGG19 layers with a weight each: "conv1_1:1, conv2_1:0.5" from the page, {"conv1_1": 1} from
    JSON; cleans to a {name: weight} dict (names and weights are judged by stylecore)."""

    widget = forms.Textarea(attrs={"rows": 3})  # the five default style layers fit without scrolling

    def to_python(self, value: Any) -> dict[str, float] | None:
        if value in self.empty_values:
            return None
        try:
            return layers.parse_layers("layers", value)
        except OptionError as error:
            raise ValidationError(error.message) from None

    def prepare_value(self, value: Any) -> Any:
        return layers.format_layers(value) if isinstance(value, Mapping) else value


class MaskedFinishOptionsForm(FinishOptionsForm):
    """Strength and colours, and what the pixels no mask covers become (entries that take masks)."""

    unmasked = forms.ChoiceField(
        choices=[("photo", "Keep the photo"), ("style", "Stylize them too")],
        initial="photo",
        required=False,  # left out: keep the photo
        label="Outside the masks",
        help_text="Only matters when a style has a mask.",
    )

    def clean_unmasked(self) -> str:
        return self.cleaned_data["unmasked"] or "photo"


def finish_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The stylecore FinishOptions fields of a job's options (jobs from before they existed: defaults)."""
    strength = options.get("strength")
    return {
        "strength": 1.0 if strength is None else strength,
        "preserve_colors": bool(options.get("preserve_colors")),
        "unmasked": options.get("unmasked") or "photo",
    }


# --- Gatys -----------------------------------------------------------------------------------


class GatysOptionsForm(MaskedFinishOptionsForm):
    """Types and widgets only: ranges are checked by stylecore.gatys.GatysConfig."""

    size = forms.IntegerField(
        initial=config_default(gatys.GatysConfig, "size"), help_text="Longer side of the result, in pixels."
    )
    steps = forms.IntegerField(
        initial=config_default(gatys.GatysConfig, "steps"), help_text="Optimisation steps: more is slower and closer."
    )
    optimizer = forms.ChoiceField(
        choices=[("lbfgs", "L-BFGS (classic, fewer steps)"), ("adam", "Adam (steady, more steps)")],
        initial=config_default(gatys.GatysConfig, "optimizer"),
    )
    lr = forms.FloatField(required=False, label="Learning rate", help_text="Leave empty for the optimiser's default.")
    content_weight = forms.FloatField(initial=config_default(gatys.GatysConfig, "content_weight"))
    style_weight = forms.FloatField(initial=config_default(gatys.GatysConfig, "style_weight"))
    tv_weight = forms.FloatField(initial=config_default(gatys.GatysConfig, "tv_weight"), label="Smoothness (TV) weight")
    init = forms.ChoiceField(
        choices=[("content", "The photo"), ("noise", "Noise"), ("style", "The style image")],
        initial=config_default(gatys.GatysConfig, "init"),
        label="Start from",
    )
    scales = forms.IntegerField(initial=config_default(gatys.GatysConfig, "scales"), help_text="Coarse-to-fine passes.")
    style_scale = pictured(
        forms.FloatField(
            required=False,
            initial=config_default(gatys.GatysConfig, "style_scale"),
            help_text="The style image's size next to the result's: below 1, smaller brush strokes; above 1, bigger.",
        ),
        "style_scale.webp",
        "The same style image drawn at half, the same and twice the size of the result's frame.",
    )
    pooling = pictured(
        forms.ChoiceField(
            required=False,
            choices=[("max", "Max (crisper)"), ("avg", "Average (smoother)")],
            initial=config_default(gatys.GatysConfig, "pooling"),
            label="Pooling",
            help_text="How VGG19 shrinks its features between blocks.",
        ),
        "pooling.webp",
        "A 4 by 4 grid of responses shrunk to 2 by 2: max keeps each window's largest, average their mean.",
    )
    content_layers = pictured(
        LayerWeightsField(
            required=False,
            initial=gatys.GatysConfig().content_layers,
            help_text=f"VGG19 layers the result keeps the photo's shapes at, with weights, e.g. {layers.EXAMPLE}.",
        ),
        "content_layers.webp",
        "VGG19's five blocks; squares on the photo show how much of it one feature of conv1_1 to conv5_1 sees, "
        "conv4_2 (the default content layer) marked.",
    )
    style_layers = pictured(
        LayerWeightsField(
            required=False,
            initial=gatys.GatysConfig().style_layers,
            help_text="Layers whose textures are copied: early ones give fine grain, deep ones large motifs.",
        ),
        "style_layers.webp",
        "VGG19's five blocks; squares on the photo show how much of it one feature of conv1_1 to conv5_1 sees, "
        "all five (the default style layers) marked.",
    )
    denoise = forms.BooleanField(required=False, label="Denoise the result (ZS-N2N)")
    seed = forms.IntegerField(required=False, help_text="Same seed, same result.")

    def clean(self) -> dict[str, Any]:
        """The newer options left empty (or left out by a request made before they existed): the default."""
        cleaned = super().clean()
        defaults = gatys.GatysConfig()
        for name in ("style_scale", "pooling", "content_layers", "style_layers"):
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(defaults, name)
        return cleaned


GATYS_PRESETS = (
    Preset("quick", "Quick", "A first look", gatys.PRESETS["quick"]),
    Preset("balanced", "Balanced", "Sharper, coarse to fine", gatys.PRESETS["balanced"]),
    Preset("best", "Best", "Finest detail", gatys.PRESETS["best"]),
)


def _gatys_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> gatys.GatysConfig:
    return gatys.GatysConfig(
        **{**options, **finish_options(options)},
        style_blend=tuple(style_weights) or None,
        preview_every=preview_every(),
    )


def _gatys_work(options: Mapping[str, Any], photo: Any) -> int:
    """size² for every step of every scale (coarse scales counted at full size), and the denoise
    pass at its step cap when asked for."""
    pixels = options["size"] ** 2
    denoise = zsn2n.pixel_steps(None, pixels, blend=0.0) if options.get("denoise") else 0  # as gatys._denoise
    return pixels * options["steps"] * options["scales"] + denoise


def _gatys_memory(options: Mapping[str, Any], width: int, height: int) -> int | None:
    try:
        config = gatys.GatysConfig(
            size=options["size"],
            steps=options["steps"],
            scales=options.get("scales") or 1,
            optimizer=options.get("optimizer") or "lbfgs",
        )
    except OptionError:  # a value out of range: the form says so, there is nothing to forecast
        return None
    return gatys.forecast(config, (width, height))[0]


def _gatys_run(config: gatys.GatysConfig, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    return gatys.run_files(
        inputs.content,
        inputs.styles,
        inputs.output,
        config,
        masks=inputs.masks or None,
        on_progress=on_progress,
        layers=inputs.layers,
    )


GATYS = Algorithm(
    name="gatys",
    label="Gatys (optimisation)",
    description="Any style, best quality, slow: optimises the pixels of the result.",
    options_form=GatysOptionsForm,
    build_config=_gatys_config,
    run=_gatys_run,
    work=_gatys_work,
    comparable=True,
    needs_vgg=True,
    takes_masks=True,
    presets=GATYS_PRESETS,
    timing=Timing(
        fallback={"cpu": 22.0},
        planned_steps=lambda options: options["steps"] * (options.get("scales") or 1),
        pixel_share=lambda options: gatys.pixel_share(options.get("scales") or 1),
        memory=_gatys_memory,
    ),
)


# --- Denoise (ZS-N2N) ------------------------------------------------------------------------


class DenoiseOptionsForm(forms.Form):
    steps = forms.IntegerField(required=False, help_text="Leave empty for the tuned schedule.")
    seed = forms.IntegerField(required=False)
    blend = forms.FloatField(
        required=False,
        initial=config_default(zsn2n.DenoiseConfig, "blend"),
        min_value=0,
        max_value=1,
        label="Non-local means share",
        help_text="How much of the picture comes from classic non-local means, mixed with the network's "
        "(0: the network alone; empty: the default). The two make different mistakes; about two thirds scored best.",
    )

    def clean_blend(self) -> float:
        blend = self.cleaned_data["blend"]
        return self.fields["blend"].initial if blend is None else blend


def _denoise_blend(options: Mapping[str, Any]) -> float:
    return options.get("blend", 0.0)  # jobs stored before the blend ran the network alone


def _denoise_config(options: Mapping[str, Any], style_weights: Sequence[float]) -> zsn2n.DenoiseConfig:
    return zsn2n.DenoiseConfig(**options, preview_every=preview_every())


def _denoise_steps(options: Mapping[str, Any]) -> int:
    """The given step count, else the tuned schedule's cap on a photo that trains on itself."""
    return options.get("steps") or zsn2n.DEFAULT_STEPS


def _denoise_work(options: Mapping[str, Any], photo: Any) -> int:
    """Each step trains on crops of a fixed size (the whole photo when smaller); one pass makes the output."""
    return zsn2n.pixel_steps(options.get("steps"), photo.width * photo.height, _denoise_blend(options))


def _denoise_run(config: zsn2n.DenoiseConfig, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    return zsn2n.run_files(inputs.content, inputs.output, config, on_progress=on_progress)


DENOISE = Algorithm(
    name="denoise",
    label="Denoise (ZS-N2N)",
    description="Removes noise from one photo; no style image, no pretrained weights.",
    options_form=DenoiseOptionsForm,
    build_config=_denoise_config,
    run=_denoise_run,
    work=_denoise_work,
    min_styles=0,
    max_styles=0,
    timing=Timing(
        fallback={"cpu": 2.2},  # a 256 px step (the most one step trains on): 0.14 s, bench/README.md
        planned_steps=_denoise_steps,
        units=lambda options, steps, pixels: (
            zsn2n.pixel_steps(options.get("steps"), pixels, _denoise_blend(options)) / 1e6
        ),
    ),
)
