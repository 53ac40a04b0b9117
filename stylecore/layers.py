"""VGG19 layers chosen by name with a weight each (Gatys' content and style layers).

Written as text "conv1_1:1, conv2_1:0.5" on the CLI and the job page, as a mapping in JSON and
in configs; `parse_layers` reads either, `check_layers` judges names and weights, `format_layers`
writes the text back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .errors import OptionError
from .features import LAYER_NAMES

MAX_WEIGHT = 1e6
EXAMPLE = "conv1_1:1, conv2_1:0.5"
# pool5 is left out: it would need images of 32 pixels or more where Gatys accepts 16 (gatys.MIN_SIDE).
CHOICES = LAYER_NAMES[: LAYER_NAMES.index("pool5")]
CONV_NAMES = tuple(name for name in CHOICES if name.startswith("conv"))
VALID = f"{', '.join(CONV_NAMES)}, each convN_M's reluN_M, or pool1 to pool4"


def parse_layers(field: str, value: object) -> dict[str, float]:
    """ "conv1_1:1, conv2_1:0.5" (a weight left out is 1) or a {name: weight} mapping -> {name: weight}."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str):
        raise OptionError(field, f'must be layer:weight pairs such as "{EXAMPLE}", not {value!r}')
    layers: dict[str, float] = {}
    for part in filter(None, (part.strip() for part in value.split(","))):
        name, _, weight = (piece.strip() for piece in part.partition(":"))
        try:
            layers[name] = float(weight) if weight else 1.0
        except ValueError:
            raise OptionError(field, f"{name}: the weight must be a number, not {weight!r}") from None
    return layers


def check_layers(field: str, layers: object) -> dict[str, float]:
    """Known VGG19 layer names, weights in [0, MAX_WEIGHT], at least one above 0; returns a plain dict."""
    if not isinstance(layers, Mapping) or not layers:
        raise OptionError(field, f'must name at least one layer with its weight, such as "{EXAMPLE}"')
    unknown = [str(name) for name in layers if name not in CHOICES]
    if unknown:
        raise OptionError(field, f"{', '.join(unknown)}: not a VGG19 layer; choose from {VALID}")
    for name, weight in layers.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
            raise OptionError(field, f"{name}: the weight must be a number, not {weight!r}")
        if not 0 <= weight <= MAX_WEIGHT:
            raise OptionError(field, f"{name}: the weight must be between 0 and {MAX_WEIGHT:g}, not {weight:g}")
    if not any(layers.values()):
        raise OptionError(field, "at least one layer's weight must be above 0")
    return {name: float(weight) for name, weight in layers.items()}


def format_layers(layers: Mapping[str, float]) -> str:
    return ", ".join(f"{name}:{weight:g}" for name, weight in layers.items())


def in_use(layers: Mapping[str, float]) -> dict[str, float]:
    """The layers with a weight above 0: the others cost nothing (VGG is cut after the deepest in use)."""
    return {name: weight for name, weight in layers.items() if weight}
