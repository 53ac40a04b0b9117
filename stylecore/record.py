"""What made a result: stored in the output PNG's text chunk and on the gallery's Result row."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class RunRecord:
    algorithm: str  # "gatys", "denoise", "johnson", "chen", ...
    params: dict = field(default_factory=dict)  # the config as plain JSON values
    device: str = "cpu"  # describe_device(...)
    weights: str = ""  # VGG weights source ("torchvision", "random", a path) or model name
    random_weights: bool = False  # True when any network in the run had random weights
    seconds: float = 0.0
    steps_done: int = 0
    stopped: bool = False  # ended early by a stop request; the output is the partial result
    final_losses: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_png_text(self) -> dict[str, str]:
        """Key/value pairs for a PNG tEXt chunk (readable with any image viewer's metadata panel)."""
        return {"Software": "Style Gallery stylecore", "stylecore": json.dumps(self.to_dict(), sort_keys=True)}
