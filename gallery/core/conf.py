"""The one accessor for the site's own settings (settings.STUDIO: limits, intervals, page sizes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def studio_setting(name: str) -> Any:
    """One value of settings.STUDIO, read at call time (tests and operators may change it)."""
    return settings.STUDIO[name]
