"""manage.py build_photo_folder: validated, resized JPEGs from a folder or a zip; bad files skipped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from tests.stylemodels.conftest import photo, png_bytes


def test_a_folder_becomes_resized_jpegs_and_unreadable_files_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    photo(120).save(src / "a.png")
    photo(80, seed=2).resize((160, 80)).save(src / "nested" / "b.jpg")
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    dest = tmp_path / "dest"

    call_command("build_photo_folder", str(src), str(dest), "--size", "64")

    written = sorted(dest.iterdir())
    assert [p.name for p in written] == ["000001.jpg", "000002.jpg"]
    sizes = {Image.open(p).size for p in written}
    assert all(min(size) == 64 for size in sizes)  # shorter side down to --size
    assert (128, 64) in sizes  # aspect kept


def test_a_zip_is_read_by_member_and_limited(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for index in range(5):
            zf.writestr(f"../../evil{index}.png", png_bytes(photo(40, seed=index)))
    dest = tmp_path / "dest"

    call_command("build_photo_folder", str(archive), str(dest), "--limit", "3")

    assert sorted(p.name for p in dest.iterdir()) == ["000001.jpg", "000002.jpg", "000003.jpg"]
    assert not list(tmp_path.parent.glob("evil*.png"))


def test_a_source_without_photos_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="No readable photos"):
        call_command("build_photo_folder", str(tmp_path / "empty"), str(tmp_path / "dest"))
    with pytest.raises(CommandError, match="not a folder or a zip"):
        call_command("build_photo_folder", str(tmp_path / "missing"), str(tmp_path / "dest"))
