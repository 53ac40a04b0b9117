"""`python -m stylecore johnson | johnson-train | export-onnx`: fast style networks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from ..devices import DEVICE_CHOICES
from ..images import save_image
from ..johnson import VARIANTS, TrainConfig, export_onnx, run_files, train_files
from ..progress import Progress

DEVICE_HELP = f"{', '.join(DEVICE_CHOICES)} (default: STYLECORE_DEVICE or auto)"


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("johnson", help="stylize a photo with a trained Johnson model (fast)")
    run.add_argument("model", type=Path, metavar="MODEL", help="our .safetensors model or a fast-neural-style .pth")
    run.add_argument("content", type=Path, metavar="CONTENT")
    run.add_argument("-o", "--output", type=Path, required=True, help="result file (.png keeps alpha, .jpg)")
    run.add_argument("--size", type=int, help="longer side of the result in pixels (default: the photo's size)")
    run.add_argument("--device", help=DEVICE_HELP)
    run.set_defaults(func=_run)

    defaults = TrainConfig()
    train = subparsers.add_parser("johnson-train", help="train a Johnson model for one style on a folder of photos")
    train.add_argument("style", type=Path, metavar="STYLE")
    train.add_argument("--data", type=Path, required=True, help="folder of training photos (searched recursively)")
    train.add_argument("-o", "--output", type=Path, required=True, help="model file (.safetensors)")
    train.add_argument("--steps", type=int, default=defaults.steps, help=f"default {defaults.steps}")
    train.add_argument("--size", type=int, default=defaults.size, help=f"training crop size (default {defaults.size})")
    train.add_argument("--batch", type=int, default=defaults.batch, help=f"default {defaults.batch}")
    train.add_argument("--variant", choices=VARIANTS, default=defaults.variant, help="light: much faster on CPUs")
    train.add_argument("--style-size", type=int, default=defaults.style_size, help=f"default {defaults.style_size}")
    train.add_argument("--style-name", help="name stored in the model (default: the style file's name)")
    train.add_argument("--lr", type=float, default=defaults.lr)
    train.add_argument("--content-weight", type=float, default=defaults.content_weight)
    train.add_argument("--style-weight", type=float, default=defaults.style_weight)
    train.add_argument("--tv-weight", type=float, default=defaults.tv_weight)
    train.add_argument("--checkpoint-every", type=int, default=defaults.checkpoint_every, help="steps; 0: none")
    train.add_argument("--resume", action="store_true", help="continue from the checkpoint next to the model file")
    train.add_argument(
        "--preview-every", type=int, default=0, help="save a preview every N steps (needs --preview-dir)"
    )
    train.add_argument("--preview-dir", type=Path)
    train.add_argument("--seed", type=int, default=defaults.seed)
    train.add_argument(
        "--weights", help="VGG19 weights: torchvision, random or a file (default: STYLECORE_VGG_WEIGHTS)"
    )
    train.add_argument("--device", help=DEVICE_HELP)
    train.set_defaults(func=_train)

    export = subparsers.add_parser("export-onnx", help="export a Johnson model to ONNX (dynamic height and width)")
    export.add_argument("model", type=Path, metavar="MODEL")
    export.add_argument("-o", "--output", type=Path, required=True, help="ONNX file")
    export.set_defaults(func=_export)


@contextmanager
def progress_bar(name: str, preview_dir: Path | None = None) -> Iterator[Callable[[Progress], bool]]:
    """A tqdm bar on stderr fed by stylecore progress; previews saved to preview_dir when given."""
    bar = tqdm(desc=name, unit="step", file=sys.stderr, dynamic_ncols=True, delay=0.5)

    def on_progress(progress: Progress) -> bool:
        if bar.total != progress.total:
            bar.reset(total=progress.total)
        bar.set_description(f"{name} {progress.stage}".strip())
        bar.set_postfix({key: f"{value:.3g}" for key, value in progress.losses.items()}, refresh=False)
        bar.update(progress.step - bar.n)
        if progress.preview is not None and preview_dir is not None:
            save_image(progress.preview, preview_dir / f"preview-{progress.step:06d}.png")
        return False

    try:
        yield on_progress
    finally:
        bar.close()


def _run(args: argparse.Namespace) -> int:
    with progress_bar("johnson") as on_progress:
        record = run_files(
            args.model, args.content, args.output, size=args.size, device=args.device, on_progress=on_progress
        )
    print(f"{args.output}: {record.seconds:.2f} s on {record.device}")
    return 0


def _train(args: argparse.Namespace) -> int:
    config = TrainConfig(
        variant=args.variant,
        size=args.size,
        style_size=args.style_size,
        batch=args.batch,
        steps=args.steps,
        lr=args.lr,
        content_weight=args.content_weight,
        style_weight=args.style_weight,
        tv_weight=args.tv_weight,
        checkpoint_every=args.checkpoint_every,
        preview_every=args.preview_every if args.preview_dir else 0,
        seed=args.seed,
        weights=args.weights,
    )
    with progress_bar("johnson-train", args.preview_dir) as on_progress:
        record = train_files(
            args.style,
            args.data,
            args.output,
            config,
            style_name=args.style_name,
            resume=args.resume,
            device=args.device,
            on_progress=on_progress,
        )
    marks = " (random VGG weights)" if record.random_weights else ""
    print(f"{args.output}: {record.steps_done} steps in {record.seconds:.1f} s on {record.device}{marks}")
    return 0


def _export(args: argparse.Namespace) -> int:
    export_onnx(args.model, args.output)
    print(f"{args.output}: ONNX, input 'image' (1, 3, H, W) in [0, 1]")
    return 0
