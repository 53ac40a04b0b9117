"""What every stylizer does last: style strength and the photo's colours.

Both work on the result and the photo at the result's size, after the algorithm has run, so they
mean the same for Gatys, Johnson, Chen and video:
- keep the photo's colours: the result's luminance on the photo's chroma;
- strength: a linear blend with the photo, 0 = the photo, 1 = the full result.

The blend is done on 8-bit images exactly as a browser composites an image at an opacity over
another, so the gallery can keep the two layers (the full-strength result and the photo at its
size) and change the strength later, on the page and on saving, without running the job again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from torch import Tensor

from .errors import OptionError
from .images import load_image, save_image, tensor_to_image
from .options import Options, check_choice, check_number
from .record import RunRecord

UNMASKED = ("photo", "style")  # what pixels no region mask covers become (masks.py)
FULL_LAYER = "full.png"  # the result at strength 1 (its colours already kept if asked)
PHOTO_LAYER = "photo.png"  # the photo at the result's size


@dataclass
class FinishOptions(Options):
    """The finishing options every stylizer's config starts with."""

    strength: float = 1.0  # 0: the photo, 1: the full result
    preserve_colors: bool = False  # keep the photo's colours (the result's luminance only)
    unmasked: str = "photo"  # with region masks: "photo" keeps it where no mask covers, "style" stylizes it

    def validate(self) -> None:
        check_number("strength", self.strength, 0.0, 1.0)
        check_choice("unmasked", self.unmasked, UNMASKED)
        if not isinstance(self.preserve_colors, bool):
            raise OptionError("preserve_colors", f"must be true or false, not {self.preserve_colors!r}")

    def to_params(self) -> dict:
        # `unmasked` means something only with masks: run_files records it beside them (masks.mask_params)
        params = super().to_params()
        del params["unmasked"]
        return params


def luminance(x: Tensor) -> Tensor:
    """(B, 3, H, W) -> (B, 1, H, W), Rec. 601 weights (those of YCbCr)."""
    r, g, b = x.unbind(1)
    return (0.299 * r + 0.587 * g + 0.114 * b).unsqueeze(1)


def keep_colours(x: Tensor, photo: Tensor) -> Tensor:
    """The result's luminance with the photo's chroma.

    Adding the same luminance change to R, G and B keeps R-Y and B-Y, i.e. YCbCr's Cb and Cr,
    exactly: this is the YCbCr recombination of Gatys et al. 2016 without a colour-space trip.
    """
    return (photo + (luminance(x) - luminance(photo))).clamp(0, 1)


def finish_tensor(stylized: Tensor, photo: Tensor, options: FinishOptions) -> Tensor:
    """Colours, then strength, on tensors in [0, 1] of the same shape (video frames)."""
    full = keep_colours(stylized, photo) if options.preserve_colors else stylized
    return full if options.strength == 1 else photo.lerp(full, options.strength)


def blend(full: Image.Image, photo: Image.Image, strength: float) -> Image.Image:
    """The photo with the full result over it at opacity `strength` (RGB, 8 bits)."""
    check_number("strength", strength, 0.0, 1.0)
    full, photo = full.convert("RGB"), photo.convert("RGB")
    if photo.size != full.size:
        photo = photo.resize(full.size, Image.Resampling.LANCZOS)
    return Image.blend(photo, full, strength)


def save_finished(
    stylized: Tensor,
    photo: Tensor,
    output: Path,
    options: FinishOptions,
    *,
    record: RunRecord,
    alpha: Image.Image | None = None,
    layers: Path | None = None,
) -> None:
    """Apply the finishing options to a (1, 3, H, W) result and save it with its record; with
    `layers`, also save the full-strength result (with the photo's alpha) and the photo there."""
    full_tensor = keep_colours(stylized, photo) if options.preserve_colors else stylized
    full, photo_image = tensor_to_image(full_tensor), tensor_to_image(photo)
    save_image(blend(full, photo_image, options.strength), output, record=record, alpha=alpha)
    if layers is not None:
        save_image(full, layers / FULL_LAYER, alpha=alpha)
        save_image(photo_image, layers / PHOTO_LAYER)


def restrength_files(layers: Path, output: Path, strength: float, *, record: RunRecord) -> RunRecord:
    """A result at another strength from the layers save_finished kept; no network runs.

    Returns `record` with the new strength in its params (it is also written into the file).
    """
    full = load_image(layers / FULL_LAYER)
    photo = load_image(layers / PHOTO_LAYER)
    record.params = {**record.params, "strength": strength}
    save_image(blend(full.rgb, photo.rgb, strength), output, record=record, alpha=full.alpha)
    return record
