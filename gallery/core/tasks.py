"""django-q2 task entry points shared by every run type: thin, they call one service."""

from __future__ import annotations

from . import runs


def run_next_queued() -> bool:
    """What every enqueued run adds to the queue (core.runs.RUN_NEXT_TASK)."""
    return runs.run_next()


def sweep_stale_runs() -> int:
    """Every minute: fail runs whose worker died, then requeue (or fail) queued runs whose task was lost."""
    return runs.runs_fail_stale() + runs.runs_requeue_lost()
