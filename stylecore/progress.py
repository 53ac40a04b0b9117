"""The one progress protocol every long stylecore run speaks.

A run calls ``on_progress(Progress(...))`` after each step. The callback returns True to ask
the run to stop early (cancellation); the run then returns its partial result with
``stopped=True``. Callers throttle their own writes: the run calls back on every step.

A step can be long (one Gatys step at 2048 px on a CPU takes minutes), so a callback may also
offer a cheap ``stop_requested() -> bool`` that reports nothing: long steps ask it between the
layers of their networks (`stops_inside`) and end within a layer's time. Plain functions have no
such method and are asked only after each step, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from torch import Tensor, nn


@dataclass
class Progress:
    step: int  # steps done so far, 1-based after the first step
    total: int
    losses: dict[str, float] = field(default_factory=dict)  # e.g. {"content": .., "style": .., "tv": .., "total": ..}
    preview: Image.Image | None = None  # set every `preview_every` steps, RGB at working size
    stage: str = ""  # e.g. "scale 2/3", "encode", "frames"


ProgressCallback = Callable[[Progress], bool]


def never_stop(_: Progress) -> bool:
    return False


class StopRequested(Exception):  # noqa: N818  a request, not an error: the run catches it and ends early
    """Raised inside a long step once the caller asked to stop."""


def stop_requested(on_progress: ProgressCallback | None) -> bool:
    """Whether the caller asked to stop, without reporting progress (False for a plain function)."""
    check = getattr(on_progress, "stop_requested", None)
    return bool(check()) if check is not None else False


@dataclass
class Relay:
    """A callback that shows each report to `see` (which returns it, changed or not) and passes it on
    to `to`, its stop checks too: wrappers must not hide `stop_requested`."""

    to: ProgressCallback | None
    see: Callable[[Progress], Progress]

    def __call__(self, progress: Progress) -> bool:
        progress = self.see(progress)
        return self.to(progress) if self.to is not None else False

    def stop_requested(self) -> bool:
        return stop_requested(self.to)


@contextmanager
def stops_inside(network: nn.Module, on_progress: ProgressCallback | None) -> Iterator[None]:
    """Inside the block, each layer of `network` asks `stop_requested()` before its forward pass and,
    where gradients flow, after its backward pass, and raises StopRequested on yes. A callback
    without the method adds no hooks."""
    if getattr(on_progress, "stop_requested", None) is None:
        yield
        return

    def check(*_: Any) -> None:
        if stop_requested(on_progress):
            raise StopRequested

    def check_backward(_: nn.Module, __: Any, output: Any) -> None:
        # Hooked on the tensor, not the module: the module's full backward hooks refuse in-place
        # ReLUs. A conv's output is changed in place by the ReLU after it, so the ReLU's is hooked.
        if isinstance(output, Tensor) and output.requires_grad and output.grad_fn is not None:
            output.register_hook(check)

    layers = [module for module in network.modules() if not list(module.children())]
    handles = [layer.register_forward_pre_hook(check) for layer in layers]
    handles += [
        layer.register_forward_hook(check_backward)
        for layer in layers
        if not isinstance(layer, nn.Conv2d | nn.ConvTranspose2d | nn.Linear)
    ]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def duration(seconds: float) -> str:
    """How long, in the words a person estimates in: "7 s", "35 s", "4 min", "5.5 h" (under a minute, to 5 s)."""
    if seconds < 10:
        return f"{max(1, round(seconds))} s"
    if seconds < 55:
        return f"{5 * round(seconds / 5)} s"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    return f"{round(seconds / 3600, 1):g} h"
