"""Reading a model catalogue file: its entries, checked field by field (the format: see stylecore.fetch)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CatalogueError

FORMAT = 1
VGG19, JOHNSON = "vgg19", "johnson"
KINDS = (VGG19, JOHNSON)
SHIPPED = Path(__file__).with_name("catalogue.json")
MAX_CATALOGUE_BYTES = 1 << 20

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_ENTRY_FIELDS = {"name", "kind", "title", "file", "url", "member", "sha256", "sha256_prefix", "size", "licence"}
_ENTRY_FIELDS |= {"source", "style_image"}
_IMAGE_FIELDS = {"file", "url", "sha256", "size"}


@dataclass(frozen=True)
class StyleImage:
    file: str
    url: str
    sha256: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    title: str
    file: str
    url: str
    licence: str
    member: str | None = None
    sha256: str | None = None
    sha256_prefix: str | None = None
    size: int | None = None
    source: str | None = None
    style_image: StyleImage | None = None


def load_catalogue(path: str | Path | None = None) -> list[Entry]:
    """The entries of a catalogue file (default: the shipped one); CatalogueError names what is wrong."""
    path = Path(path) if path is not None else SHIPPED
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CATALOGUE_BYTES + 1)
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc.strerror})") from None
    if len(data) > MAX_CATALOGUE_BYTES:
        raise CatalogueError(f"{path}: the catalogue is larger than {MAX_CATALOGUE_BYTES} bytes")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CatalogueError(f'{path}: not a catalogue of format {FORMAT} (expected {{"format": {FORMAT}, ...}})')
    if not isinstance(doc.get("entries"), list):
        raise CatalogueError(f'{path}: "entries" must be a list')
    entries = [_entry(item, f"{path}: entry {index + 1}") for index, item in enumerate(doc["entries"])]
    names = [entry.name for entry in entries]
    if dupes := sorted({name for name in names if names.count(name) > 1}):
        raise CatalogueError(f"{path}: entry names must be unique ({', '.join(dupes)} repeated)")
    return entries


def _entry(item: object, where: str) -> Entry:
    if not isinstance(item, dict):
        raise CatalogueError(f"{where}: must be an object")
    where = f"{where} ({item['name']})" if isinstance(item.get("name"), str) else where
    fields = _fields(item, _ENTRY_FIELDS, {"name", "kind", "title", "file", "url", "licence"}, where)
    if not _NAME.match(fields["name"]):
        raise CatalogueError(f"{where}: name must be lower case letters, digits, _ or - (at most 64)")
    if fields["kind"] not in KINDS:
        raise CatalogueError(f"{where}: kind must be one of {', '.join(KINDS)}, not {fields['kind']!r}")
    image = fields.get("style_image")
    if image is not None:
        if not isinstance(image, dict):
            raise CatalogueError(f"{where}: style_image must be an object or null")
        fields["style_image"] = StyleImage(**_fields(image, _IMAGE_FIELDS, {"file", "url"}, f"{where} style_image"))
    return Entry(**fields)


def _fields(item: dict, known: set[str], required: set[str], where: str) -> dict:
    """The known fields of one JSON object, each checked; CatalogueError for a missing, unknown or bad one."""
    if unknown := sorted(set(item) - known):
        raise CatalogueError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(known))})")
    if missing := sorted(required - {key for key, value in item.items() if value is not None}):
        raise CatalogueError(f"{where}: missing field {missing[0]!r}")
    fields = {key: value for key, value in item.items() if value is not None}
    for key, value in fields.items():
        if key == "size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise CatalogueError(f"{where}: size must be a whole number of bytes or null")
        elif key == "style_image":
            continue
        elif not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{where}: {key} must be a non-empty string")
    if "file" in fields and (fields["file"] in (".", "..") or re.search(r"[/\\\x00]", fields["file"])):
        raise CatalogueError(f"{where}: file must be a plain file name, not a path ({fields['file']!r})")
    if "url" in fields and not fields["url"].lower().startswith(("http://", "https://")):
        raise CatalogueError(f"{where}: url must start with http:// or https://")
    if "sha256" in fields and not re.fullmatch(r"[0-9a-f]{64}", fields["sha256"]):
        raise CatalogueError(f"{where}: sha256 must be 64 lower-case hex digits")
    if "sha256_prefix" in fields and not re.fullmatch(r"[0-9a-f]{1,64}", fields["sha256_prefix"]):
        raise CatalogueError(f"{where}: sha256_prefix must be lower-case hex digits")
    return fields
