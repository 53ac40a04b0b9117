"""A server killed mid-recording leaves its MP4 in the recordings folder; files older than the longest
recording (plus time to save one) are deleted at startup and whenever a recording starts, live ones never."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gallery.video import recordings, webcam


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings) -> Path:  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "WEBCAM_MAX_RECORD_SECONDS": 60.0}
    folder = tmp_path / "recordings"
    folder.mkdir()
    monkeypatch.setattr(recordings, "FOLDER", folder)
    return folder


def left(folder: Path, name: str, age: float) -> Path:
    """A recording file last written `age` seconds ago."""
    path = folder / name
    path.write_bytes(b"\0" * 100)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_only_files_older_than_a_recording_and_its_saving_are_swept(folder: Path) -> None:
    stale = left(folder, "webcam-killed.mp4", 60 + recordings.SAVE_GRACE_SECONDS + 5)
    live = left(folder, "webcam-live.mp4", 60)  # its recording may still be saving
    other = left(folder, "notes.txt", 10_000)  # not a recording: never touched
    assert recordings.sweep() == 1
    assert not stale.exists() and live.exists() and other.exists()


def test_a_recording_starts_in_the_folder_and_sweeps_it_first(folder: Path) -> None:
    stale = left(folder, "webcam-killed.mp4", 3600)
    recording = webcam.Recording()
    try:
        assert recording.path.parent == folder and recording.path.exists()
        assert not stale.exists()
    finally:
        recording.path.unlink()
