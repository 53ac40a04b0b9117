"""Option validation shared by every algorithm's config dataclass.

Each config (GatysConfig, DenoiseConfig, JohnsonConfig, TrainConfig, ChenConfig,
DecoderTrainConfig, VideoConfig) subclasses ``Options``: creating one runs ``validate``, which
checks every field with the helpers below. A bad value is therefore always an
``OptionError(field, "must be ...")`` worded the same way, whichever algorithm it belongs to,
and the same words reach the CLI line, the API 400 and the gallery's form.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict

from .errors import OptionError

SEED_MAX = 2**63 - 1  # torch.manual_seed takes any non-negative 64-bit signed value


class Options:
    """Base of the config dataclasses: validated when created, plain JSON values for RunRecords."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise OptionError for the first bad field; subclasses check theirs with check_number/check_choice."""

    def to_params(self) -> dict:
        return asdict(self)


def check_number(
    field: str,
    value: object,
    low: float,
    high: float = math.inf,
    *,
    integer: bool = False,
    optional: bool = False,
) -> None:
    """A finite number (whole when `integer`) in [low, high]; None passes when `optional`."""
    if value is None and optional:
        return
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
        raise OptionError(field, f"must be {'a whole number' if integer else 'a number'}, not {value!r}")
    if not low <= value <= high:
        if math.isinf(high):
            raise OptionError(field, f"must be {low:g} or more, not {value:g}")
        raise OptionError(field, f"must be between {low:g} and {high:g}, not {value:g}")


def check_choice(field: str, value: object, choices: Iterable[str]) -> None:
    """One of a fixed set of names."""
    choices = tuple(choices)
    if value not in choices:
        raise OptionError(field, f"must be one of {', '.join(choices)}, not {value!r}")
