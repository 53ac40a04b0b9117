"""django-q2 task entry points shared by every run type: thin, they call one service."""

from __future__ import annotations

from . import runs


def sweep_stale_runs() -> int:
    return runs.runs_fail_stale()
