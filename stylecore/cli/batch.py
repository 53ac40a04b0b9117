"""`--batch`: every pair of a command's two inputs (files or folders of them), each picture written to an
output folder beside its run record ("harbour × Candy.png" and "harbour × Candy.json"). A file that
fails (not an image, too large, a bad model) is reported on one line and skipped; the rest are made."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tqdm import tqdm

from ..errors import StylecoreError
from ..photos import PHOTO_SUFFIXES
from ..record import RunRecord

MODEL_SUFFIXES = frozenset({".safetensors", ".pth"})
# Makes one picture: (photo, style or model, output file) -> its record.
MakeOne = Callable[[Path, Path, Path], RunRecord]


def add_batch_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--batch",
        action="store_true",
        help="every pair of the inputs, which may be folders; -o is then a folder for the pictures and their records",
    )


def expand(paths: Iterable[Path], suffixes: frozenset[str] = PHOTO_SUFFIXES) -> list[Path]:
    """Files as they are, folders as their files with `suffixes` (by name); a missing path is an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
        elif path.is_file():
            files.append(path)
        else:
            raise StylecoreError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def run_pairs(name: str, photos: Sequence[Path], styles: Sequence[Path], output: Path, make: MakeOne) -> int:
    """Make every (photo, style) picture into the `output` folder with a progress bar over the pictures;
    returns the exit status (1 when any was skipped)."""
    if not photos or not styles:
        raise StylecoreError(f"nothing to pair: {len(photos)} photos and {len(styles)} styles found")
    if output.exists() and not output.is_dir():
        raise StylecoreError(f"{output}: with --batch, -o names a folder")
    output.mkdir(parents=True, exist_ok=True)
    pairs = [(photo, style) for photo in photos for style in styles]
    used: set[str] = set()
    skipped = 0
    with tqdm(pairs, desc=f"{name} batch", unit="picture", file=sys.stderr, dynamic_ncols=True) as bar:
        for photo, style in bar:
            stem = _unique(f"{photo.stem} × {style.stem}", used)
            try:
                record = make(photo, style, output / f"{stem}.png")
            except StylecoreError as error:
                skipped += 1
                bar.write(f"skipped {photo.name} × {style.name}: {error}", file=sys.stderr)
                continue
            (output / f"{stem}.json").write_text(json.dumps(record.to_dict(), indent=2), encoding="utf-8")
    print(
        f"{output}: {len(pairs) - skipped} of {len(pairs)} pictures made" + (f", {skipped} skipped" if skipped else "")
    )
    return 1 if skipped else 0


def _unique(stem: str, used: set[str]) -> str:
    """Two photos of one name in different folders: "harbour × Candy (2)"."""
    unique, number = stem, 2
    while unique.casefold() in used:
        unique, number = f"{stem} ({number})", number + 1
    used.add(unique.casefold())
    return unique
