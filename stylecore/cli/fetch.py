"""`python -m stylecore fetch`: download the catalogue's models (VGG19 weights, public style networks)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from ..errors import FetchError, OptionError
from ..fetch import Entry, fetch, load_catalogue, remove_archives, vgg_target

DEFAULT_FOLDER = Path("models")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="download the catalogue's models: VGG19 weights and public style networks",
        description=(
            "Download, check and put in place the models of a catalogue. Style networks become "
            ".safetensors files in --into; the VGG19 weights go where torchvision looks for them "
            f"(now {vgg_target().parent}; set TORCH_HOME to move it). Files already there are not fetched again."
        ),
    )
    parser.add_argument("--catalogue", type=Path, metavar="FILE", help="a catalogue file (default: the shipped one)")
    parser.add_argument(
        "--from", dest="mirror", metavar="DIR_OR_URL", help="a folder or base URL holding the same file names"
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="fetch only these entries")
    parser.add_argument("--list", action="store_true", help="list the catalogue and fetch nothing")
    parser.add_argument(
        "--into",
        type=Path,
        default=DEFAULT_FOLDER,
        metavar="DIR",
        help=f"folder for style models (default ./{DEFAULT_FOLDER})",
    )
    parser.set_defaults(func=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    entries = _chosen(catalogue, args.only)
    if args.list:
        for entry in entries:
            size = f"{entry.size / 2**20:.0f} MB" if entry.size else "size unknown"
            print(f"{entry.name}\t{entry.kind}\t{entry.title}\t{size}\t{entry.licence}")
        return 0
    failed = 0
    for entry in entries:
        folder = None if entry.kind == "vgg19" else args.into
        try:
            with _bar(entry) as on_progress:
                fetched = fetch(entry, folder, mirror=args.mirror, on_progress=on_progress)
        except FetchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        style = f" + {fetched.style_image}" if fetched.style_image else ""
        print(f"{entry.name}: {fetched.path}{style} ({'downloaded' if fetched.downloaded else 'already there'})")
    remove_archives(catalogue, args.into)
    return 1 if failed else 0


def _chosen(catalogue: list[Entry], names: list[str] | None) -> list[Entry]:
    if not names:
        return catalogue
    known = {entry.name for entry in catalogue}
    if unknown := [name for name in names if name not in known]:
        raise OptionError("only", f"no entry {unknown[0]!r} in the catalogue (choose from {', '.join(sorted(known))})")
    return [entry for entry in catalogue if entry.name in names]


class _Bytes(tqdm):
    monitor_interval = 0  # no monitor thread left behind: the bars are updated every MB anyway


@contextmanager
def _bar(entry: Entry) -> Iterator[Callable[[int, int | None], None]]:
    """A tqdm bar in bytes on stderr for one entry; a new download (the style image) restarts it."""
    bar = _Bytes(desc=entry.name, unit="B", unit_scale=True, file=sys.stderr, dynamic_ncols=True, delay=0.5)

    def on_progress(done: int, total: int | None) -> None:
        if total != bar.total or done < bar.n:
            bar.reset(total=total)
        bar.update(done - bar.n)

    try:
        yield on_progress
    finally:
        bar.close()
