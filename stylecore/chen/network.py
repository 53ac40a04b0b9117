"""Chen's inverse network: relu3_1 features back to an image, and its model files."""

from __future__ import annotations

from pathlib import Path

from torch import Tensor, nn

from ..errors import ModelFileError
from ..modelfile import load_model

LAYER = "relu3_1"  # the VGG19 layer that is encoded, swapped and inverted


class InverseNet(nn.Module):
    """relu3_1 features (256 channels, 1/4 size) -> image in [0, 1]: VGG19's first layers mirrored,
    max pooling replaced by nearest x2 upsampling; instance norm optional."""

    _LAYOUT = ((256, 128), "up", (128, 128), (128, 64), "up", (64, 64), (64, 3))

    def __init__(self, *, instance_norm: bool = False) -> None:
        super().__init__()
        self.instance_norm = instance_norm
        layers: list[nn.Module] = []
        for index, item in enumerate(self._LAYOUT):
            if item == "up":
                layers.append(nn.Upsample(scale_factor=2, mode="nearest"))
                continue
            c_in, c_out = item
            layers += [nn.ReflectionPad2d(1), nn.Conv2d(c_in, c_out, 3)]
            if index < len(self._LAYOUT) - 1:
                if instance_norm:
                    layers.append(nn.InstanceNorm2d(c_out, affine=True))
                layers.append(nn.ReLU(inplace=True))
        self.layers = nn.Sequential(*layers)

    def forward(self, features: Tensor) -> Tensor:
        return self.layers(features)


def load_decoder(path: str | Path) -> tuple[InverseNet, dict]:
    """(network, metadata) from a decoder file made by chen-train; ModelFileError otherwise."""
    state, meta = load_model(path)
    if meta.get("kind") != "chen-decoder":
        raise ModelFileError(f"{Path(path).name}: not a Chen inverse network (kind {meta.get('kind')!r})")
    net = InverseNet(instance_norm=bool(meta.get("instance_norm")))
    try:
        net.load_state_dict(state)
    except RuntimeError as exc:
        raise ModelFileError(
            f"{Path(path).name}: weights do not fit the inverse network ({str(exc).splitlines()[0]})"
        ) from None
    return net.eval(), meta
