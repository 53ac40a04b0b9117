"""stylecore is a package of its own: pip builds a wheel from the repository with the library, its data
files and the `stylecore` command, and nothing of the Django site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # setuptools builds in the source tree: keep the checkout clean
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "stylecore", source / "stylecore", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return next(out.glob("stylecore-*.whl"))


def test_the_wheel_holds_the_library_its_data_and_the_command_but_no_site(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "stylecore/catalogue.json" in names and "stylecore/data/astronaut.png" in names
    assert "stylecore/johnson/network.py" in names and "stylecore/video/loop.py" in names
    assert not [name for name in names if name.startswith(("gallery/", "tests/", "bench/"))]
    meta = zipfile.ZipFile(wheel)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "stylecore = stylecore.cli:main" in meta.read(entry_points).decode()
    metadata = meta.read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert any(line.startswith("Requires-Dist: torch>=") for line in requires)
    assert not [line for line in requires if "django" in line.lower()]


def test_the_installed_command_runs_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import stylecore, stylecore.samples as s; print(stylecore.__file__); print(s.DATA)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(target) in where and "/work/main" not in where.replace(str(target), "")
    listing = subprocess.run(
        [str(target / "bin" / "stylecore"), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert listing.returncode == 0 and "johnson" in listing.stdout and "fetch" in listing.stdout
