"""manage.py build_photo_folder SRC DEST [--size 256] [--limit N]: a training photo folder from a folder or zip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.stylemodels.photos import build_photo_folder
from stylecore.errors import StylecoreError


class Command(BaseCommand):
    help = "Validate every photo in SRC (a folder or a .zip) and write resized JPEGs to DEST for training."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="A folder of photos (searched recursively) or a .zip of photos.")
        parser.add_argument("dest", type=Path, help="The folder to write 000001.jpg, 000002.jpg, ... into.")
        parser.add_argument("--size", type=int, default=256, help="Shorter side in pixels (photos are only shrunk).")
        parser.add_argument("--limit", type=int, default=None, help="Stop after this many photos.")

    def handle(self, *args: Any, src: Path, dest: Path, size: int, limit: int | None, **options: Any) -> None:
        if size < 32:
            raise CommandError("--size must be at least 32.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            report = build_photo_folder(src, dest, size=size, limit=limit)
        except StylecoreError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{report.written} photos written to {dest} ({report.skipped} skipped as unreadable).")
        if not report.written:
            raise CommandError("No readable photos found.")
