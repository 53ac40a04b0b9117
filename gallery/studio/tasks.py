"""django-q2 task entry points: thin, they take ids and call one service."""

from __future__ import annotations

from . import services


def run_job(job_id: int) -> None:
    services.job_execute(job_id=job_id)
