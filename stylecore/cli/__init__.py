"""`stylecore COMMAND ...` (or `python -m stylecore COMMAND ...`): one subcommand module per algorithm.

Each module in COMMAND_MODULES has ``register(subparsers)`` that adds its subcommands and sets
``func`` (called with the parsed args; returns an exit status). Bad input (any StylecoreError)
ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from ..errors import StylecoreError

COMMAND_MODULES = ("gatys", "denoise", "johnson", "chen", "video", "fetch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stylecore", description="Neural style transfer in plain PyTorch: Gatys, Johnson, Chen and ZS-N2N."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue  # that command is not part of this build
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args) or 0)
    except StylecoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
