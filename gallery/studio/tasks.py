"""What the worker's run_next calls to run one job: thin, it takes an id and calls one service."""

from __future__ import annotations

from . import services


def run_job(job_id: int) -> bool:
    return services.job_execute(job_id=job_id)
