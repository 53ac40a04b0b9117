"""The default run's stopping rule (held-out positions, best weights kept) stops a tiny photo that
trains on itself, and a photo larger than a step's pixels, where the held-out loss is measured on fixed
crops every EVAL_EVERY steps so it costs the same at any size."""

from __future__ import annotations

import itertools

import pytest
import torch

from stylecore import zsn2n
from stylecore.progress import Progress

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/stylecore/conftest.py


@pytest.fixture(autouse=True)
def small_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zsn2n, "PATIENCE", 20)
    monkeypatch.setattr(zsn2n, "EVAL_EVERY", 5)
    monkeypatch.setattr(zsn2n, "CROP", 16)
    monkeypatch.setattr(zsn2n, "CROPS_PER_STEP", 2)
    monkeypatch.setattr(zsn2n, "STEP_PIXELS", 2 * 16 * 16)


def run(noisy: torch.Tensor) -> tuple[list[float], int, bool]:
    held_out: list[float] = []

    def watch(progress: Progress) -> bool:
        held_out.append(progress.losses["held_out"])
        return False

    _, steps_done, stopped = zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(seed=0), on_progress=watch)
    return held_out, steps_done, stopped


def test_a_tiny_photo_stops_patience_steps_after_its_best_held_out_loss() -> None:
    held_out, steps_done, stopped = run(torch.rand(1, 3, 20, 16))

    assert not stopped and steps_done < zsn2n.DEFAULT_STEPS
    best = min(range(len(held_out)), key=held_out.__getitem__)
    assert steps_done - (best + 1) == zsn2n.PATIENCE
    assert len(set(held_out)) > len(held_out) // 2  # measured every step, on the photo itself


def test_a_photo_larger_than_a_crop_stops_on_its_fixed_held_out_crops() -> None:
    held_out, steps_done, stopped = run(torch.rand(1, 3, 60, 44))

    assert not stopped and steps_done < zsn2n.CROP_DEFAULT_STEPS
    measured_at = [step for step in range(1, steps_done + 1) if (step - 1) % zsn2n.EVAL_EVERY == 0]
    assert all(held_out[step - 1] == held_out[step - 2] for step in range(2, steps_done + 1) if step not in measured_at)
    best = min(measured_at, key=lambda step: held_out[step - 1])
    assert steps_done - best == zsn2n.PATIENCE


def test_a_photo_larger_than_a_crop_runs_at_most_its_own_cap_on_a_cosine_schedule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(zsn2n, "PATIENCE", 1000)  # never stops early here
    monkeypatch.setattr(zsn2n, "CROP_DEFAULT_STEPS", 30)
    rates: list[float] = []
    step = torch.optim.Adam.step

    def record(optimizer: torch.optim.Adam, *args: object, **kwargs: object) -> object:
        rates.append(optimizer.param_groups[0]["lr"])
        return step(optimizer, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", record)
    _, steps_done, _ = run(torch.rand(1, 3, 60, 44))

    assert steps_done == len(rates) == 30
    assert rates[0] == zsn2n.CROP_LR
    assert all(later < earlier for earlier, later in itertools.pairwise(rates))
    assert rates[-1] < zsn2n.CROP_LR / 100  # decayed to (almost) zero by the last step
