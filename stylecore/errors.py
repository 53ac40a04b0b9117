"""Exceptions that carry a short message meant for the person who gave the input."""

import math


class StylecoreError(Exception):
    """Base class: the message is shown to users as it is (form error, API 400, CLI line)."""


class ImageError(StylecoreError):
    """An uploaded or given image cannot be used (not an image, truncated, too large...)."""


class OptionError(StylecoreError):
    """An option value is out of range or of the wrong kind; `field` names the option."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_number(field: str, value: object, low: float, high: float, *, integer: bool = False) -> None:
    """Config validation shared by every algorithm: a finite number (whole when `integer`) in [low, high]."""
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
        raise OptionError(field, f"must be {'a whole number' if integer else 'a number'}, not {value!r}")
    if not low <= value <= high:
        raise OptionError(field, f"must be between {low:g} and {high:g}, not {value:g}")


class WeightsError(StylecoreError):
    """Network weights cannot be had (download failed, bad file); names the setting to change."""


class ModelFileError(StylecoreError):
    """A trained-model file is unreadable, unsafe (pickled objects) or of the wrong layout."""
