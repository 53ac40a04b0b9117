"""`python -m stylecore johnson | johnson-train | export-onnx`: fast style networks."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import StylecoreError
from ..johnson import VARIANTS, JohnsonConfig, TrainConfig, export_onnx, run_files, train_files
from .batch import MODEL_SUFFIXES, add_batch_argument, expand, run_pairs
from .common import (
    DEVICE_HELP,
    add_finish_arguments,
    add_mask_arguments,
    add_tile_arguments,
    add_training_arguments,
    finish_options,
    mask_options,
    progress_bar,
    report_steps,
    training_options,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("johnson", help="stylize a photo with a trained Johnson model (fast)")
    run.add_argument(
        "model",
        type=Path,
        nargs="+",
        metavar="MODEL",
        help="our .safetensors model or a fast-neural-style .pth; with --batch several, or folders of them",
    )
    run.add_argument("content", type=Path, metavar="CONTENT")
    run.add_argument("-o", "--output", type=Path, required=True, help="result file (.png keeps alpha, .jpg)")
    run.add_argument(
        "--model",
        dest="more_models",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="another model after MODEL (repeatable); each model paints where its --mask says",
    )
    run.add_argument("--size", type=int, help="longer side of the result in pixels (default: the photo's size)")
    run.add_argument("--device", help=DEVICE_HELP)
    add_tile_arguments(run)
    add_finish_arguments(run)
    add_mask_arguments(run, "model")
    add_batch_argument(run)
    run.set_defaults(func=_run)

    defaults = TrainConfig()
    train = subparsers.add_parser("johnson-train", help="train a Johnson model for one style on a folder of photos")
    train.add_argument("style", type=Path, metavar="STYLE")
    train.add_argument("--data", type=Path, required=True, help="folder of training photos (searched recursively)")
    add_training_arguments(train, defaults, "model")
    train.add_argument("--variant", choices=VARIANTS, default=defaults.variant, help="light: much faster on CPUs")
    train.add_argument("--style-size", type=int, default=defaults.style_size, help=f"default {defaults.style_size}")
    train.add_argument("--style-name", help="name stored in the model (default: the style file's name)")
    train.add_argument("--content-weight", type=float, default=defaults.content_weight)
    train.add_argument("--style-weight", type=float, default=defaults.style_weight)
    train.add_argument("--tv-weight", type=float, default=defaults.tv_weight)
    train.set_defaults(func=_train)

    export = subparsers.add_parser("export-onnx", help="export a Johnson model to ONNX (dynamic height and width)")
    export.add_argument("model", type=Path, metavar="MODEL")
    export.add_argument("-o", "--output", type=Path, required=True, help="ONNX file")
    export.set_defaults(func=_export)


def _run(args: argparse.Namespace) -> int:
    masks = mask_options(args)
    models = [*args.model, *args.more_models]
    if args.batch:  # MODELs and CONTENT may be folders: every photo through every model
        config = JohnsonConfig(size=args.size, tile=args.tile, **finish_options(args))
        return run_pairs(
            "johnson",
            expand([args.content]),
            expand(models, MODEL_SUFFIXES),
            args.output,
            lambda photo, model, output: run_files(model, photo, output, config, device=args.device),
        )
    if len(models) > 1 and masks is None:
        raise StylecoreError("several models need --batch (a picture each) or a --mask each (one picture)")
    with progress_bar("johnson") as on_progress:
        record = run_files(
            models if len(models) > 1 else models[0],
            args.content,
            args.output,
            JohnsonConfig(size=args.size, tile=args.tile, **finish_options(args)),
            device=args.device,
            on_progress=on_progress,
            masks=masks,
        )
    print(f"{args.output}: {record.seconds:.2f} s on {record.device}")
    return 0


def _train(args: argparse.Namespace) -> int:
    config = TrainConfig(
        **training_options(args),
        variant=args.variant,
        style_size=args.style_size,
        content_weight=args.content_weight,
        style_weight=args.style_weight,
        tv_weight=args.tv_weight,
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
    report_steps(args.output, record)
    return 0


def _export(args: argparse.Namespace) -> int:
    export_onnx(args.model, args.output)
    print(f"{args.output}: ONNX, input 'image' (1, 3, H, W) in [0, 1]")
    return 0
