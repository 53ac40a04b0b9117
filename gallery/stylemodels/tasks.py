"""django-q2 task entry points: thin, they take ids and call one service."""

from __future__ import annotations

from . import services


def run_training(run_id: int) -> None:
    services.training_run_execute(run_id=run_id)
