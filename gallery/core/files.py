"""Stored-file helpers shared by every app whose worker hands files to stylecore."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


def studio_setting(name: str) -> Any:
    """One value of settings.STUDIO (limits, intervals, page sizes)."""
    return settings.STUDIO[name]


def local_copy(field: FieldFile, folder: Path, stem: str) -> Path:
    """Copy a stored file to the worker's scratch folder (storage may be S3; stylecore wants paths)."""
    target = folder / f"{stem}{PurePosixPath(field.name).suffix}"
    with field.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    return target


def delete_files_on_commit(*files: FieldFile) -> None:
    """Remove stored files once the rows pointing at them are really gone."""
    names = [(f.storage, f.name) for f in files if f and f.name]

    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete %s", name, exc_info=True)

    transaction.on_commit(delete)
