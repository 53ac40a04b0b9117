"""Public pages whose parts are the same for every viewer cache those parts (shared cache: every web process alike)
under a version that moves on whenever something they show is saved or deleted: by a service, the admin or a
cascade (model signals, connected in apps.ready). The next visitor then sees the change.

- the public gallery's cards: results and their owners' names;
- a result page's pictures and facts (keyed by its token, after the permission check): also the titles of its
  photo and styles (uploads) and, for a video result, of its video (the video app connects those).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "studio:public-gallery-version"
RESULT_PAGES_KEY = "studio:result-pages-version"


def gallery_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def result_pages_version() -> int:
    return cache.get_or_set(RESULT_PAGES_KEY, time.time_ns, timeout=None)


# Saves of only these fields change nothing the cached parts show: logging in (Django saves the user's last_login)
# would otherwise empty the gallery's and every result page's cache for everyone.
NOT_SHOWN = frozenset({"last_login"})


def _shows(signal: dict[str, Any]) -> bool:
    fields = signal.get("update_fields")
    return not fields or not fields <= NOT_SHOWN


def gallery_changed(**signal: Any) -> None:
    if _shows(signal):
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def result_pages_changed(**signal: Any) -> None:
    if _shows(signal):
        cache.set(RESULT_PAGES_KEY, time.time_ns(), timeout=None)


def refresh_on_change(receiver: Any, *models: type[Model]) -> None:
    """Call `receiver` whenever a row of `models` is saved or deleted."""
    for model in models:
        label = f"{receiver.__name__}-{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{label}-saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{label}-deleted")
