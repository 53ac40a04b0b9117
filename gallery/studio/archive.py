"""A batch's results as one zip: each picture under the name people read ("harbour × Candy.png") with
its run record beside it ("harbour × Candy.json"). Written to a temporary file, never held in memory:
a batch has at most MAX_BATCH_JOBS results, each within the upload limits."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO

from .models import Batch, Result

# Characters no common file system takes in a name, and control characters.
UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


def _file_stem(title: str, used: set[str]) -> str:
    stem = UNSAFE.sub(" ", title).strip(" .")[:120] or "result"
    unique, number = stem, 2
    while unique.casefold() in used:  # two photos with one title: "harbour × Candy (2)"
        unique, number = f"{stem} ({number})", number + 1
    used.add(unique.casefold())
    return unique


def batch_zip(batch: Batch) -> IO[bytes]:
    """The batch's finished results (a stopped job's saved picture too), rewound and ready to stream;
    the caller closes it (the temporary file is then deleted)."""
    results = Result.objects.filter(job__batch=batch).select_related("job").order_by("job_id")
    archive = tempfile.TemporaryFile(suffix=".zip")
    used: set[str] = set()
    with zipfile.ZipFile(archive, "w") as zipped:
        for result in results:
            stem = _file_stem(result.title, used)
            suffix = PurePosixPath(result.image.name).suffix
            # pictures are compressed already; the records are small text
            with result.image.open("rb") as source, zipped.open(f"{stem}{suffix}", "w") as target:
                shutil.copyfileobj(source, target)
            record = {"title": result.title, **result.run_record().to_dict()}
            zipped.writestr(f"{stem}.json", json.dumps(record, indent=2), compress_type=zipfile.ZIP_DEFLATED)
    archive.seek(0)
    return archive
