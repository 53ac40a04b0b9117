"""A stop request reaches a run inside one long step (a 2048 px Gatys step takes minutes on a CPU):
the callback's `stop_requested()` is asked between the layers of the network, forward and backward,
so the run ends within about a layer's time and keeps its last finished step."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import torch
from torch import nn

from stylecore import zsn2n
from stylecore.features import VGGFeatures
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS, GatysConfig, stylize
from stylecore.images import image_to_tensor
from stylecore.progress import Progress

from .conftest import photo

pytestmark = pytest.mark.slow  # each step is slowed down to seconds on purpose

LAYER_DELAY = 0.05  # seconds per layer, forward and backward: a VGG19 step takes about 3 s
BOUND = 1.0  # the run ends this soon after the request (a whole step would take about 3 s)
CONTENT = image_to_tensor(photo(32, 32, seed=1))
STYLE = image_to_tensor(photo(32, 32, seed=2))


class _SlowBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
        return x.clone()

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
        time.sleep(LAYER_DELAY)
        return grad


class Slow(nn.Module):
    """One layer that takes LAYER_DELAY longer each way, like a layer of a big image on a CPU."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        time.sleep(LAYER_DELAY)
        return self.layer(_SlowBackward.apply(x) if x.requires_grad else x)


def slowed(network: nn.Sequential) -> nn.Sequential:
    return nn.Sequential(*(Slow(layer) for layer in network))


class StopLater:
    """A callback (like the worker's) whose stop request comes `after` seconds after step `at`,
    from another thread, in the middle of the next step."""

    def __init__(self, *, at: int, after: float) -> None:
        self.at, self.after = at, after
        self.steps: list[int] = []
        self.asked_at: float | None = None

    def __call__(self, progress: Progress) -> bool:
        self.steps.append(progress.step)
        if progress.step == self.at:
            threading.Timer(self.after, self._ask).start()
        return False  # the request comes through stop_requested() only

    def _ask(self) -> None:
        self.asked_at = time.monotonic()

    def stop_requested(self) -> bool:
        return self.asked_at is not None


def ended_within_bound(run: Callable[[], object], callback: StopLater) -> object:
    result = run()
    ended = time.monotonic()
    assert callback.asked_at is not None, "the run ended before the stop was asked"
    assert ended - callback.asked_at < BOUND, f"the run went on {ended - callback.asked_at:.1f} s after the request"
    return result


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_gatys_stops_inside_a_long_step_and_keeps_the_last_finished_one(vgg: VGGFeatures, optimizer: str) -> None:
    slow = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    slow.net = slowed(slow.net)
    config = GatysConfig(size=32, steps=50, optimizer=optimizer, seed=1)
    callback = StopLater(at=1, after=0.8)

    result = ended_within_bound(
        lambda: stylize(CONTENT, [STYLE], config, features=slow, on_progress=callback), callback
    )

    assert callback.steps == [1] and result.stopped and result.steps_done == 1
    one_step = stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=1, optimizer=optimizer, seed=1), features=vgg)
    assert torch.allclose(result.image, one_step.image, atol=1e-5)  # the picture after step 1, untouched since


def test_gatys_stops_while_it_prepares_a_scale(vgg: VGGFeatures) -> None:
    slow = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    slow.net = slowed(slow.net)
    callback = StopLater(at=1, after=0.0)  # asked right after the only step of the coarse scale

    result = ended_within_bound(
        lambda: stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=1, scales=2), features=slow, on_progress=callback),
        callback,
    )
    assert callback.steps == [1] and result.stopped and result.steps_done == 1
    assert result.image.shape == CONTENT.shape


def test_zsn2n_stops_inside_a_long_step(monkeypatch: pytest.MonkeyPatch) -> None:
    make_network = zsn2n.make_network
    monkeypatch.setattr(zsn2n, "make_network", lambda **kwargs: slowed(make_network(**kwargs)))
    callback = StopLater(at=2, after=0.1)
    noisy = zsn2n.add_noise(CONTENT, 25, seed=3)

    denoised, steps_done, stopped = ended_within_bound(
        lambda: zsn2n.denoise_tensor(noisy, zsn2n.DenoiseConfig(steps=50, seed=1), on_progress=callback), callback
    )
    assert callback.steps == [1, 2] and stopped and steps_done == 2
    assert denoised.shape == noisy.shape


def test_a_plain_function_is_still_asked_after_each_step() -> None:
    seen: list[int] = []

    def stop_after_two(progress: Progress) -> bool:
        seen.append(progress.step)
        return progress.step == 2

    result = stylize(CONTENT, [STYLE], GatysConfig(size=32, steps=10), on_progress=stop_after_two)
    assert seen == [1, 2] and result.stopped and result.steps_done == 2
