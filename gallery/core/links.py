"""`link(name, *args)`: Django's reverse(), remembered. A list answer builds a few URLs per item (the API's result
list: 60 a page), and reverse() costs ~25 us each (it reads the active language and script prefix through
thread-locals and rebuilds the path); the same ids and tokens come back poll after poll. The script prefix is
part of the key, so a site mounted under a path still gets its own URLs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=16384)
def _reversed(prefix: str, name: str, args: tuple[Any, ...]) -> str:
    return reverse(name, args=args)


def link(name: str, *args: Any) -> str:
    """The path of URL `name` with `args`, as reverse(name, args=args) gives it."""
    return _reversed(get_script_prefix(), name, args)
