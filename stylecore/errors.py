"""Exceptions that carry a short message meant for the person who gave the input.

Option checks that raise OptionError live in options.py.
"""


class StylecoreError(Exception):
    """Base class: the message is shown to users as it is (form error, API 400, CLI line)."""


class ImageError(StylecoreError):
    """An uploaded or given image cannot be used (not an image, truncated, too large...)."""


class MaskError(ImageError):
    """A region mask cannot be used (unreadable, or it covers nothing); an ImageError, so the same handlers show it."""


class OptionError(StylecoreError):
    """An option value is out of range or of the wrong kind; `field` names the option."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class WeightsError(StylecoreError):
    """Network weights cannot be had (download failed, bad file); names the setting to change."""


class ModelFileError(StylecoreError):
    """A trained-model file is unreadable, unsafe (pickled objects) or of the wrong layout."""


class CatalogueError(StylecoreError):
    """A model catalogue file is unreadable or malformed; the message names the entry and field."""


class FetchError(StylecoreError):
    """A catalogue file could not be fetched or was refused; one line: which file, what went wrong, what to do."""
