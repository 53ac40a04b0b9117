"""What the worker's run_next calls to run one training run: thin, it takes an id and calls one service."""

from __future__ import annotations

from . import services


def run_training(run_id: int) -> bool:
    return services.training_run_execute(run_id=run_id)
