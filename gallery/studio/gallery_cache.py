"""The public gallery's cards are the same for every viewer, so the page caches them (shared cache: every web
process alike) under a version that moves on whenever a result or a person is saved or deleted: by a service,
the admin or a cascade (model signals, connected in apps.ready). The next visitor then sees the change."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

VERSION_KEY = "studio:public-gallery-version"


def gallery_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def gallery_changed(**signal: Any) -> None:
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)
