"""Where webcam recordings are written while they last (webcam.Recording), and the sweep of files
that servers stopped mid-recording left there."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from gallery.core.conf import studio_setting

# Recordings in progress, one MP4 each. A server killed mid-recording leaves its file here; a file
# older than the longest recording (plus time to save it) belongs to no live recording, and
# sweep() deletes it: at startup (apps.ready) and whenever a recording starts.
FOLDER = Path(tempfile.gettempdir()) / "gallery-webcam-recordings"
SAVE_GRACE_SECONDS = 120.0


def sweep(now: float | None = None) -> int:
    """Delete recording files left by servers that stopped mid-recording; returns how many."""
    cutoff = (time.time() if now is None else now) - studio_setting("WEBCAM_MAX_RECORD_SECONDS") - SAVE_GRACE_SECONDS
    swept = 0
    for path in FOLDER.glob("webcam-*.mp4"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                swept += 1
        except FileNotFoundError:  # another process swept it first
            pass
    return swept
