"""`python -m stylecore chen | chen-train`: style swap with a trained inverse network."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..chen import ChenConfig, DecoderTrainConfig, run_files, train_files
from ..chen.swap import FAST_DIMS, FAST_SHORTLIST, SEARCHES
from .batch import add_batch_argument, expand, run_pairs
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
    defaults = ChenConfig()
    run = subparsers.add_parser("chen", help="stylize a photo with any style image by style swap (Chen & Schmidt)")
    run.add_argument("content", type=Path, metavar="CONTENT")
    run.add_argument("style", type=Path, nargs="+", metavar="STYLE", help="one style, or several with a --mask each")
    run.add_argument("-o", "--output", type=Path, required=True, help="result file (.png keeps alpha, .jpg)")
    run.add_argument("--decoder", type=Path, required=True, help="inverse network trained with chen-train")
    run.add_argument("--patch", type=int, default=defaults.patch, help=f"style patch size (default {defaults.patch})")
    run.add_argument("--stride", type=int, default=defaults.stride, help=f"default {defaults.stride}")
    run.add_argument("--size", type=int, help="longer side of the result in pixels (default: the photo's size)")
    run.add_argument("--style-size", type=int, default=defaults.style_size, help=f"default {defaults.style_size}")
    run.add_argument(
        "--search",
        choices=SEARCHES,
        default=defaults.search,
        help=f"how each photo patch finds its style patch (default {defaults.search}): 'fast' shortlists "
        f"{FAST_SHORTLIST} patches by their first {FAST_DIMS} principal directions and picks the best exactly "
        "(512 px photo and style: the same patch at 96%% of positions, the rest near-equal, swapped features "
        "at 50 dB PSNR of exact; the swap takes ~1/7 of exact's time); 'exact' scores every style patch",
    )
    run.add_argument("--device", help=DEVICE_HELP)
    add_tile_arguments(run)
    add_finish_arguments(run)
    add_mask_arguments(run)
    add_batch_argument(run)
    run.set_defaults(func=_run)

    train_defaults = DecoderTrainConfig()
    train = subparsers.add_parser("chen-train", help="train the inverse network on content and style photo folders")
    train.add_argument("--content-data", type=Path, required=True, help="folder of content photos")
    train.add_argument("--style-data", type=Path, required=True, help="folder of style images")
    add_training_arguments(train, train_defaults, "decoder")
    train.add_argument("--tv-weight", type=float, default=train_defaults.tv_weight)
    train.add_argument("--instance-norm", action="store_true", help="instance norm in the inverse network")
    train.set_defaults(func=_train)


def _run(args: argparse.Namespace) -> int:
    masks = mask_options(args)
    config = ChenConfig(
        patch=args.patch,
        stride=args.stride,
        style_size=args.style_size,
        size=args.size,
        search=args.search,
        tile=args.tile,
        **finish_options(args),
    )
    if args.batch:
        return run_pairs(
            "chen",
            expand([args.content]),
            expand(args.style),
            args.output,
            lambda photo, style, output: run_files(
                photo, style, output, config, decoder=args.decoder, device=args.device
            ),
        )
    with progress_bar("chen") as on_progress:
        record = run_files(
            args.content,
            args.style,
            args.output,
            config,
            decoder=args.decoder,
            device=args.device,
            on_progress=on_progress,
            masks=masks,
        )
    print(f"{args.output}: {record.seconds:.2f} s on {record.device} ({record.params['seconds']})")
    return 0


def _train(args: argparse.Namespace) -> int:
    config = DecoderTrainConfig(**training_options(args), tv_weight=args.tv_weight, instance_norm=args.instance_norm)
    with progress_bar("chen-train", args.preview_dir) as on_progress:
        record = train_files(
            args.content_data,
            args.style_data,
            args.output,
            config,
            resume=args.resume,
            device=args.device,
            on_progress=on_progress,
        )
    report_steps(args.output, record)
    return 0
