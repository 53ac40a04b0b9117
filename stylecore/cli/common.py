"""What every subcommand shares: the progress bar, option conversion and the training options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from ..devices import DEVICE_CHOICES
from ..errors import OptionError
from ..finish import UNMASKED
from ..images import save_image
from ..progress import Progress
from ..record import RunRecord
from ..tiles import TILE_ABOVE, TILE_SIZE
from ..training import TrainOptions

DEVICE_HELP = f"{', '.join(DEVICE_CHOICES)} (default: STYLECORE_DEVICE or auto)"
WEIGHTS_HELP = "VGG19 weights: torchvision, random or a file (default: STYLECORE_VGG_WEIGHTS)"


def convert(name: str, text: str, kind: type) -> int | float:
    """An option's text as int or float; a bad one is one OptionError line (exit 2), not argparse's usage dump."""
    try:
        return kind(text)
    except ValueError:
        raise OptionError(
            name.replace("_", "-"), f"must be {'a whole number' if kind is int else 'a number'}, not {text!r}"
        ) from None


@contextmanager
def progress_bar(
    name: str, preview_dir: Path | None = None, *, unit: str = "step", preview_digits: int = 6
) -> Iterator[Callable[[Progress], bool]]:
    """A tqdm bar on stderr fed by stylecore progress; previews saved to preview_dir when given."""
    # delay: no bar at all when the run fails on its input straight away
    bar = tqdm(desc=name, unit=unit, file=sys.stderr, dynamic_ncols=True, delay=0.5)

    def on_progress(progress: Progress) -> bool:
        if bar.total != progress.total:
            bar.reset(total=progress.total)
        # a post-process (ZS-N2N after Gatys) names itself rather than the command's stage
        bar.set_description(progress.stage if progress.stage == "denoise" else f"{name} {progress.stage}".strip())
        bar.set_postfix({key: f"{value:.3g}" for key, value in progress.losses.items()}, refresh=False)
        bar.update(progress.step - bar.n)
        if progress.preview is not None and preview_dir is not None:
            save_image(progress.preview, preview_dir / f"preview-{progress.step:0{preview_digits}d}.png")
        return False

    try:
        yield on_progress
    finally:
        bar.close()


def add_finish_arguments(parser: argparse.ArgumentParser) -> None:
    """Strength and colours, which every stylizing command has (stylecore.finish)."""
    parser.add_argument(
        "--strength", metavar="F", help="0-1: how much of the style to show; 0 is the photo (default 1)"
    )
    parser.add_argument("--preserve-colors", action="store_true", help="keep the content photo's colours")


def finish_options(args: argparse.Namespace) -> dict:
    """FinishOptions' fields from the parsed arguments (`unmasked` where the command takes masks)."""
    options: dict = {"preserve_colors": args.preserve_colors}
    if args.strength is not None:
        options["strength"] = convert("strength", args.strength, float)
    if getattr(args, "unmasked", None) is not None:
        options["unmasked"] = args.unmasked
    return options


def add_mask_arguments(parser: argparse.ArgumentParser, what: str = "style") -> None:
    """--mask FILE (one per style or model, in their order; - for the rest) and --unmasked (stylecore.masks)."""
    parser.add_argument(
        "--mask",
        action="append",
        metavar="FILE",
        help=f"a black-and-white picture, white where that {what} paints: one per {what}, in their order; "
        "- for what the other masks leave",
    )
    parser.add_argument(
        "--unmasked", choices=UNMASKED, help="what pixels no mask covers become: the photo (default) or stylized"
    )


def mask_options(args: argparse.Namespace) -> list[Path | None] | None:
    """The --mask files (None for -), or None without any."""
    if args.mask and args.batch:
        raise OptionError("mask", "masks are for one picture, not with --batch")
    return [None if text == "-" else Path(text) for text in args.mask] if args.mask else None


def add_tile_arguments(parser: argparse.ArgumentParser, *, size: int = TILE_SIZE, above: int = TILE_ABOVE) -> None:
    """--tile SIZE / --no-tile: how a large photo is cut (stylecore.tiles; Gatys' own sizes: gatys_tiles)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--tile",
        type=int,
        metavar="SIZE",
        help=f"work in tiles of SIZE pixels (bounded memory; default: tiles of {size} above {above} px)",
    )
    group.add_argument("--no-tile", dest="tile", action="store_const", const=0, help="run the whole photo at once")


def add_training_arguments(parser: argparse.ArgumentParser, defaults: TrainOptions, what: str) -> None:
    """The options every training command has (TrainOptions' fields, output, resume, previews, device)."""
    parser.add_argument("-o", "--output", type=Path, required=True, help=f"{what} file (.safetensors)")
    parser.add_argument("--steps", type=int, default=defaults.steps, help=f"default {defaults.steps}")
    parser.add_argument("--size", type=int, default=defaults.size, help=f"training crop size (default {defaults.size})")
    parser.add_argument("--batch", type=int, default=defaults.batch, help=f"default {defaults.batch}")
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--checkpoint-every", type=int, default=defaults.checkpoint_every, help="steps; 0: none")
    parser.add_argument("--resume", action="store_true", help=f"continue from the checkpoint next to the {what} file")
    parser.add_argument(
        "--preview-every", type=int, default=0, help="save a preview every N steps (needs --preview-dir)"
    )
    parser.add_argument("--preview-dir", type=Path)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--weights", help=WEIGHTS_HELP)
    parser.add_argument("--device", help=DEVICE_HELP)


def training_options(args: argparse.Namespace) -> dict:
    """TrainOptions' fields from the parsed arguments (previews only with somewhere to put them)."""
    return {
        "size": args.size,
        "batch": args.batch,
        "steps": args.steps,
        "lr": args.lr,
        "checkpoint_every": args.checkpoint_every,
        "preview_every": args.preview_every if args.preview_dir else 0,
        "seed": args.seed,
        "weights": args.weights,
    }


def report_steps(output: Path, record: RunRecord) -> None:
    """The one line a step-by-step run prints when it is done."""
    marks = " (random VGG weights)" if record.random_weights else ""
    print(f"{output}: {record.steps_done} steps in {record.seconds:.1f} s on {record.device}{marks}")
