"""Build a training photo folder from a folder or a zip: every photo validated, resized, re-encoded.

Used by the `build_photo_folder` command and by training runs started from an uploaded zip.
Zip members are read by name and written under names we choose, so a hostile archive cannot
write outside the destination ("zip slip") and nothing but decoded pixels is kept.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from PIL import Image

from stylecore.errors import ImageError
from stylecore.images import MAX_FILE_BYTES, inspect_image, load_image
from stylecore.johnson import PHOTO_SUFFIXES

logger = logging.getLogger(__name__)

MAX_ZIP_MEMBERS = 200_000


@dataclass
class BuildReport:
    written: int = 0
    skipped: int = 0


def _folder_sources(root: Path) -> Iterator[tuple[str, BinaryIO]]:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES):
        with path.open("rb") as fh:
            yield str(path), fh


def _zip_sources(archive: Path) -> Iterator[tuple[str, BinaryIO]]:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()][:MAX_ZIP_MEMBERS]
            for member in members:
                if PurePosixPath(member.filename).suffix.lower() not in PHOTO_SUFFIXES:
                    continue
                if member.file_size > MAX_FILE_BYTES:  # the header's claim; the decoder re-checks
                    logger.warning("skipping %s: larger than %d bytes", member.filename, MAX_FILE_BYTES)
                    continue
                with zf.open(member) as fh:
                    yield member.filename, fh
    except zipfile.BadZipFile as error:
        raise ImageError(f"{archive.name}: not a readable zip file ({error})") from None


def _shrink(img: Image.Image, size: int) -> Image.Image:
    """Shorter side down to `size` (never up): training crops are cut from the shorter side."""
    scale = size / min(img.size)
    if scale >= 1:
        return img
    return img.resize(
        (max(size, round(img.width * scale)), max(size, round(img.height * scale))), Image.Resampling.LANCZOS
    )


def build_photo_folder(source: Path, dest: Path, *, size: int = 256, limit: int | None = None) -> BuildReport:
    """Write `dest/000001.jpg`, ... from the photos in `source` (a folder or a .zip)."""
    source, dest = Path(source), Path(dest)
    if source.is_dir():
        sources = _folder_sources(source)
    elif source.is_file() and zipfile.is_zipfile(source):
        sources = _zip_sources(source)
    else:
        raise ImageError(f"{source}: not a folder or a zip file")
    dest.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    for name, fh in sources:
        if limit is not None and report.written >= limit:
            break
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
            inspect_image(data)
            img = load_image(data).rgb
        except ImageError as error:
            logger.warning("skipping %s: %s", name, error)
            report.skipped += 1
            continue
        _shrink(img, size).save(dest / f"{report.written + 1:06d}.jpg", format="JPEG", quality=90)
        report.written += 1
    return report
