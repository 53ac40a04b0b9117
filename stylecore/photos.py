"""Folders of training photos as square crops, for Johnson and Chen training alike."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import Tensor

from .errors import OptionError, StylecoreError
from .images import load_image

log = logging.getLogger(__name__)

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})
_CACHE_LIMIT = 2048  # decoded crops kept in memory (uint8, 192 KiB each at 256 px)


class PhotoFolder:
    """The photos under a folder (recursively) as square training crops, loaded on demand.

    Batches are drawn from a generator seeded with (seed, step), so a resumed run sees the same
    batches it would have seen without the interruption. Unreadable files are skipped with a
    warning rather than ending a long training run.
    """

    def __init__(self, root: str | Path, size: int, *, field: str = "data") -> None:
        root = Path(root)
        if not root.is_dir():
            raise OptionError(field, f"not a folder: {root}")
        self.files = sorted(p for p in root.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file())
        if not self.files:
            raise OptionError(field, f"no photos (.jpg, .png, ...) under {root}")
        self.size = size
        self.field = field
        self._cache: dict[int, Tensor] = {}
        self._bad: set[int] = set()

    def __len__(self) -> int:
        return len(self.files)

    def crop(self, index: int) -> Tensor | None:
        """(3, size, size) uint8: shorter side scaled to size, centre crop; None when unreadable."""
        if index in self._cache:
            return self._cache[index]
        if index in self._bad:
            return None
        try:
            img = load_image(self.files[index]).rgb
        except StylecoreError as exc:
            log.warning("skipping %s: %s", self.files[index], exc)
            self._bad.add(index)
            return None
        img = ImageOps.fit(img, (self.size, self.size), Image.Resampling.BILINEAR)
        crop = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[index] = crop
        return crop

    def batch(self, step: int, batch: int, seed: int, device: torch.device) -> Tensor:
        """(batch, 3, size, size) float in [0, 1] for this step."""
        generator = torch.Generator().manual_seed(seed * 1_000_003 + step)
        crops: list[Tensor] = []
        for _ in range(50 * batch):
            index = int(torch.randint(len(self.files), (1,), generator=generator))
            crop = self.crop(index)
            if crop is not None:
                crops.append(crop)
                if len(crops) == batch:
                    return torch.stack(crops).to(device=device, dtype=torch.float32).div_(255.0)
        raise OptionError(self.field, "none of the photos could be read")

    def first(self, device: torch.device) -> Tensor:
        """The fixed preview photo: the first readable one, (1, 3, size, size)."""
        for index in range(len(self.files)):
            crop = self.crop(index)
            if crop is not None:
                return crop.unsqueeze(0).to(device=device, dtype=torch.float32).div_(255.0)
        raise OptionError(self.field, "none of the photos could be read")
