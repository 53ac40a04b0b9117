"""The one progress protocol every long stylecore run speaks.

A run calls ``on_progress(Progress(...))`` after each step. The callback returns True to ask
the run to stop early (cancellation); the run then returns its partial result with
``stopped=True``. Callers throttle their own writes: the run calls back on every step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image


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
