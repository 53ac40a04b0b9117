"""Stored-file helpers shared by every app: scratch copies for the worker, and files that never
outlive (or go missing from) the rows that point at them."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete

logger = logging.getLogger(__name__)


def title_from_filename(name: str | None) -> str:
    """'my_holiday-photo.JPG' -> 'my holiday photo' (the title; the stored name is a uuid)."""
    stem = PurePosixPath(name or "").stem
    title = re.sub(r"[\s_\-]+", " ", stem).strip()
    return title[:200] or "Untitled"


def local_copy(field: FieldFile, folder: Path, stem: str) -> Path:
    """Copy a stored file to the worker's scratch folder (storage may be S3; stylecore wants paths)."""
    target = folder / f"{stem}{PurePosixPath(field.name).suffix}"
    with field.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    return target


@contextmanager
def files_kept_only_if_saved(instance: models.Model, *field_names: str) -> Iterator[None]:
    """Files saved into these fields inside the block are deleted again when the block fails,
    so a refused or crashed save leaves no orphan file behind."""
    try:
        yield
    except BaseException:
        for name in field_names:
            stored = getattr(instance, name)
            if stored and stored.name:
                stored.storage.delete(stored.name)
        raise


def delete_with_files(instance: models.Model, *field_names: str) -> None:
    """Delete a row; its stored files go once the deletion commits (call inside a transaction)."""
    _delete_files_on_commit(*(getattr(instance, name) for name in field_names))
    instance.delete()


def delete_files_with_rows(model: type[models.Model], *field_names: str) -> None:
    """Rows of `model` deleted without a service (a cascade from their owner's deletion, the admin's
    delete) take these stored files with them once the deletion commits. Call once, in apps.ready()."""

    def deleted(instance: models.Model, **kwargs: object) -> None:
        _delete_files_on_commit(*(getattr(instance, name) for name in field_names))

    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"files-of-{model._meta.label}")


def _delete_files_on_commit(*files: FieldFile) -> None:
    """Remove stored files once the rows pointing at them are really gone."""
    names = [(f.storage, f.name) for f in files if f and f.name]

    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete %s", name, exc_info=True)

    transaction.on_commit(delete)
