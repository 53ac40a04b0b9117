"""The model catalogue: what can be fetched (VGG19 weights, public style networks), fetched safely.

A catalogue is one JSON file (the shipped one: ``stylecore/catalogue.json``; an organisation
may give its own in the same format)::

    {"format": 1, "entries": [{"name": "candy", "kind": "johnson", ...}, ...]}

Fields of an entry (optional ones may be left out or null):

- ``name``: short id, lower case letters, digits, ``_`` and ``-`` (``--only NAME``; file names).
- ``kind``: ``"vgg19"`` (VGG19 ImageNet weights, a torchvision state_dict) or ``"johnson"``
  (a fast-neural-style network, stored as our ``.safetensors``).
- ``title``: the name people see ("Rain Princess").
- ``file``: the file name of what ``url`` serves (also its name on a mirror and in the folder).
- ``url``: where to download it (http or https).
- ``member`` (optional): the path inside ``file`` when that is a zip archive holding the model.
- ``sha256`` (optional): 64 hex digits of the downloaded file (the archive when ``member`` is set).
- ``sha256_prefix`` (optional): the leading hex digits of it, when that is all the publisher gives.
- ``size`` (optional): the downloaded file's size in bytes.
- ``licence``: the licence and copyright of the weights.
- ``source`` (optional): the page that describes the weights.
- ``style_image`` (optional): the style picture, an object with ``file``, ``url`` and optional
  ``sha256`` and ``size``.

Where files land: a ``johnson`` entry becomes ``<folder>/<name>.safetensors`` (converted with
``modelcheck.convert_pth`` once ``check_model_file`` passed) and its style image
``<folder>/<name><suffix of its file>``; an archive stays as ``<folder>/<file>`` so the other
entries it holds need no second download (``remove_archives`` deletes it once they are all in
place). A ``vgg19`` entry goes to ``<folder>/<file>``, or with no folder to ``vgg_target()``,
where torchvision looks for it, so the default ``STYLECORE_VGG_WEIGHTS=torchvision`` uses it.

Safety: a download goes to ``<file>.part`` and is renamed into place only after the size and
checksum check and a safe load (zip members read with a size bound, ``.pth`` files only with
``torch.load(weights_only=True)``: nothing is ever unpickled). Any failure raises FetchError
and leaves no final file; a cut download keeps its ``.part`` file so the next try resumes it.
"""

from __future__ import annotations

import pickle
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

from .catalogue import JOHNSON, KINDS, SHIPPED, VGG19, Entry, StyleImage, load_catalogue
from .download import CHUNK, TIMEOUT, Progress, download, source_for, verify
from .errors import CatalogueError, FetchError, ImageError, ModelFileError
from .features import state_shapes, torchvision_weights_file
from .images import inspect_image
from .modelcheck import check_model_file, convert_pth

__all__ = [  # the catalogue's names too: callers need only this module
    "KINDS",
    "SHIPPED",
    "CatalogueError",
    "Entry",
    "FetchError",
    "Fetched",
    "StyleImage",
    "check_vgg_file",
    "fetch",
    "load_catalogue",
    "model_path",
    "remove_archives",
    "style_image_path",
    "vgg_target",
]

MAX_MEMBER_BYTES = 1 << 30  # a style network is ~7 MB
MAX_STYLE_IMAGE_BYTES = 30 << 20


@dataclass(frozen=True)
class Fetched:
    entry: Entry
    path: Path  # the checked model file (.safetensors for johnson, the .pth for vgg19)
    style_image: Path | None
    downloaded: bool  # False when everything was already in place


# --- where files land -------------------------------------------------------------------------


def vgg_target(entry: Entry | None = None) -> Path:
    """Where torchvision looks for the VGG19 weights: <torch.hub.get_dir()>/checkpoints/<file>."""
    default = torchvision_weights_file()
    return default.with_name(entry.file) if entry is not None else default


def model_path(entry: Entry, folder: str | Path | None) -> Path:
    """The final file of an entry (see the module docstring); folder None: only for vgg19 (vgg_target)."""
    if entry.kind == VGG19:
        return vgg_target(entry) if folder is None else Path(folder) / entry.file
    if folder is None:
        raise ValueError(f"{entry.name}: a {entry.kind} entry needs a folder")
    return Path(folder) / f"{entry.name}.safetensors"


def style_image_path(entry: Entry, folder: str | Path | None) -> Path | None:
    if entry.style_image is None:
        return None
    return model_path(entry, folder).parent / f"{entry.name}{Path(entry.style_image.file).suffix.lower()}"


# --- fetching ---------------------------------------------------------------------------------


def fetch(
    entry: Entry,
    folder: str | Path | None,
    *,
    mirror: str | None = None,
    on_progress: Progress | None = None,
    timeout: float = TIMEOUT,
) -> Fetched:
    """Download, check and put in place one entry (and its style image); nothing is downloaded twice.

    `mirror`: a folder or base URL holding the same file names, used instead of every URL.
    `on_progress(done, total)` follows each download in bytes (total None when unknown).
    Raises FetchError (one line) and leaves no final file when anything fails.
    """
    target = model_path(entry, folder)
    style = style_image_path(entry, folder)
    downloaded = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            downloaded = _fetch_model(entry, target, mirror, on_progress, timeout)
        if style is not None and entry.style_image is not None and not style.exists():
            downloaded |= _fetch_style_image(entry, entry.style_image, style, mirror, on_progress, timeout)
    except OSError as exc:  # the folder, not the network (download turns those into FetchError)
        raise FetchError(
            f"{entry.name}: cannot write {exc.filename or target.parent} ({exc.strerror}); choose another folder"
        ) from None
    return Fetched(entry=entry, path=target, style_image=style, downloaded=downloaded)


def _get(entry: Entry, dest: Path, mirror: str | None, on_progress: Progress | None, timeout: float) -> Path:
    """The entry's download as a checked (size, checksum) part file beside `dest`."""
    part = dest.with_name(dest.name + ".part")
    label = f"{entry.name}: {entry.file}"
    download(
        source_for(entry.url, entry.file, mirror),
        part,
        label=label,
        size=entry.size,
        on_progress=on_progress,
        timeout=timeout,
    )
    verify(part, label=label, size=entry.size, sha256=entry.sha256, sha256_prefix=entry.sha256_prefix)
    return part


def _fetch_model(entry: Entry, target: Path, mirror: str | None, on_progress: Progress | None, timeout: float) -> bool:
    """Download (or reuse the archive), check and put `target` in place; whether anything was downloaded."""
    downloaded = False
    if entry.member is None:
        payload = _get(entry, target.with_name(entry.file), mirror, on_progress, timeout)
        downloaded, refused = True, payload
    else:
        archive = target.with_name(entry.file)
        if not archive.exists():
            part = _get(entry, archive, mirror, on_progress, timeout)
            downloaded = True
            _member_size(entry, part)  # a zip holding that member, or refused before it takes the archive's name
            part.replace(archive)
        payload = target.with_name(f".{entry.name}.member.part")
        _extract(entry, archive, payload)
        refused = archive  # its member is refused: the next try downloads it again
    label = f"{entry.name}: {entry.member or entry.file}"
    try:
        if entry.kind == VGG19:
            check_vgg_file(payload, label=label)
            payload.replace(target)
        else:
            _check_johnson(payload, label)
            convert_pth(payload, target, style=entry.title, original_name=Path(entry.member or entry.file).name)
    except FetchError:
        refused.unlink(missing_ok=True)
        raise
    finally:
        payload.unlink(missing_ok=True)
    return downloaded


def _member_size(entry: Entry, archive: Path) -> int:
    label = f"{entry.name}: {entry.file}"
    try:
        with zipfile.ZipFile(archive) as zf:
            info = zf.getinfo(entry.member or "")
    except zipfile.BadZipFile:
        archive.unlink()
        raise FetchError(f"{label}: not a zip archive (a damaged download?); it was deleted: try again") from None
    except KeyError:
        archive.unlink()
        raise FetchError(f"{label}: the archive has no {entry.member}; check the catalogue's member") from None
    if info.file_size > MAX_MEMBER_BYTES:
        archive.unlink()
        raise FetchError(f"{label}: {entry.member} is {info.file_size} bytes, more than a model can be; refused")
    return info.file_size


def _extract(entry: Entry, archive: Path, out: Path) -> None:
    """The member, read with a size bound, into `out`; a damaged archive is deleted (the next try downloads)."""
    limit = _member_size(entry, archive)
    written = 0
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(entry.member or "") as member, open(out, "wb") as fh:
            while chunk := member.read(min(CHUNK, limit - written + 1)):
                written += len(chunk)
                if written > limit:
                    raise zipfile.BadZipFile("member larger than its header says")
                fh.write(chunk)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, EOFError, NotImplementedError, ValueError) as exc:
        out.unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise FetchError(
            f"{entry.name}: {entry.file}: cannot read {entry.member} ({exc}); the archive was deleted: try again"
        ) from None


def _check_johnson(payload: Path, label: str) -> None:
    try:
        checked = check_model_file(payload)
    except ModelFileError as exc:
        raise FetchError(f"{label}: {str(exc).removeprefix(f'{payload.name}: ')}") from None
    if checked.kind != JOHNSON or not checked.from_pth:
        raise FetchError(f"{label}: not a fast-neural-style .pth; refused")


def _fetch_style_image(
    entry: Entry, image: StyleImage, dest: Path, mirror: str | None, on_progress: Progress | None, timeout: float
) -> bool:
    label = f"{entry.name}: {image.file}"
    part = dest.with_name(dest.name + ".part")
    source = source_for(image.url, image.file, mirror)
    download(source, part, label=label, size=image.size, on_progress=on_progress, timeout=timeout)
    verify(part, label=label, size=image.size, sha256=image.sha256, sha256_prefix=None)
    try:
        inspect_image(part, max_bytes=MAX_STYLE_IMAGE_BYTES)
    except ImageError as exc:
        part.unlink()
        raise FetchError(f"{label}: not a usable image ({exc}); it was deleted: check the source") from None
    part.replace(dest)
    return True


def check_vgg_file(path: str | Path, *, label: str | None = None) -> None:
    """FetchError unless `path` is a VGG19 state_dict with every features.* tensor, of the right shape.

    Read with ``torch.load(weights_only=True)`` (memory-mapped when the file's format allows: the
    2017 file may be in the old format, which cannot be mapped), so nothing in it runs.
    """
    path = Path(path)
    label = label or path.name
    try:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError as exc:
            if "mmap" not in str(exc):
                raise
            state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "global" in str(exc).lower():  # weights_only met a class or function: the file would run code
            raise FetchError(f"{label}: refused: the file carries pickled Python objects, not just weights") from None
        raise FetchError(f"{label}: not a readable PyTorch weights file (damaged, or not weights at all)") from None
    except Exception as exc:  # torch.load raises many kinds for files that are not weights at all
        raise FetchError(f"{label}: not a readable PyTorch weights file ({exc.__class__.__name__})") from None
    if not isinstance(state, Mapping):
        raise FetchError(f"{label}: refused: not a state_dict (a mapping of names to tensors)")
    prefix = "features." if any(str(key).startswith("features.") for key in state) else ""
    for key, shape in state_shapes().items():
        tensor = state.get(prefix + key)
        if not isinstance(tensor, torch.Tensor) or not tensor.is_floating_point():
            raise FetchError(f"{label}: not VGG19 weights: no floating-point tensor features.{key}")
        if tuple(tensor.shape) != shape:
            raise FetchError(f"{label}: not VGG19 weights: features.{key} is {tuple(tensor.shape)}, not {shape}")


def remove_archives(entries: Iterable[Entry], folder: str | Path) -> list[Path]:
    """Delete each downloaded archive whose every entry (among `entries`) is in place; the paths removed."""
    entries = list(entries)
    removed = []
    for file in sorted({entry.file for entry in entries if entry.member is not None}):
        archive = Path(folder) / file
        users = [entry for entry in entries if entry.member is not None and entry.file == file]
        if archive.exists() and all(model_path(entry, folder).exists() for entry in users):
            archive.unlink()
            removed.append(archive)
    return removed
