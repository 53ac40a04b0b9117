"""The preview samples come from stylecore's own small PNGs, with no scikit-image import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from stylecore import samples

ROOT = Path(__file__).resolve().parents[2]


def test_the_sample_photo_and_style_are_written_at_the_sample_size(tmp_path: Path) -> None:
    photo = Image.open(samples.write_sample_photo(tmp_path / "photo.png"))
    style = Image.open(samples.write_sample_style(tmp_path / "style.jpg"))
    assert photo.mode == "RGB" and photo.size == (samples.SAMPLE_SIDE, samples.SAMPLE_SIDE)
    assert style.format == "JPEG" and max(style.size) == samples.SAMPLE_SIDE


def test_the_shipped_files_stay_small() -> None:
    for path in samples.DATA.glob("*.png"):
        assert path.stat().st_size < 64 * 1024, path


def test_writing_samples_never_imports_scikit_image(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['skimage'] = None\n"  # any import of it would fail
        "from stylecore import samples\n"
        "samples.write_sample_photo(sys.argv[1]); samples.write_sample_style(sys.argv[2])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.png"), str(tmp_path / "s.png")], cwd=ROOT, check=True)
    assert (tmp_path / "p.png").is_file() and (tmp_path / "s.png").is_file()
