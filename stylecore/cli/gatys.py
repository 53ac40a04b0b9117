"""`python -m stylecore gatys CONTENT STYLE [STYLE...] -o OUT [options]`.

With --batch, CONTENT is a photo or a folder of photos and each STYLE a style or a folder: every photo
goes with every style on its own (no blend), into the folder OUT."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import OptionError
from ..gatys import INITS, OPTIMIZERS, POOLINGS, GatysConfig, run_files
from ..gatys_tiles import TILE_ABOVE, TILE_SIZE, describe
from ..layers import format_layers, parse_layers
from .batch import add_batch_argument, expand, run_pairs
from .common import (
    DEVICE_HELP,
    WEIGHTS_HELP,
    add_finish_arguments,
    add_mask_arguments,
    add_tile_arguments,
    convert,
    finish_options,
    mask_options,
    progress_bar,
    report_steps,
)

# Option values arrive as strings and are converted here, so a bad value is one OptionError line
# (exit 2) instead of argparse's usage dump.
_INTS = ("size", "steps", "scales", "seed", "preview_every")
_FLOATS = ("lr", "content_weight", "style_weight", "tv_weight", "style_scale")


def register(subparsers: argparse._SubParsersAction) -> None:
    defaults = GatysConfig()
    parser = subparsers.add_parser(
        "gatys",
        help="stylize a photo by optimisation (Gatys et al.)",
        description="Optimise the content photo's pixels so its VGG19 features take on the style images' textures.",
    )
    parser.add_argument("content", type=Path, metavar="CONTENT")
    parser.add_argument("styles", type=Path, nargs="+", metavar="STYLE")
    parser.add_argument(
        "-o", "--output", metavar="OUT", type=Path, required=True, help="result file (.png keeps alpha, .jpg)"
    )
    parser.add_argument("--size", metavar="PX", help=f"longer side of the result in pixels (default {defaults.size})")
    parser.add_argument("--steps", metavar="N", help=f"optimiser steps per scale (default {defaults.steps})")
    parser.add_argument(
        "--optimizer", metavar="{lbfgs,adam}", help=f"{' or '.join(OPTIMIZERS)} (default {defaults.optimizer})"
    )
    parser.add_argument("--lr", metavar="F", help="learning rate (default 1.0 for lbfgs, 0.02 for adam)")
    parser.add_argument("--content-weight", metavar="F", help=f"default {defaults.content_weight:g}")
    parser.add_argument("--style-weight", metavar="F", help=f"default {defaults.style_weight:g}")
    parser.add_argument("--tv-weight", metavar="F", help=f"total-variation weight (default {defaults.tv_weight:g})")
    parser.add_argument(
        "--style-blend", metavar="W1,W2", help="one weight per style image, e.g. 0.7,0.3 (default: equal)"
    )
    parser.add_argument(
        "--style-scale",
        metavar="F",
        help=f"the style images' size relative to the result, 0.1-4 (default {defaults.style_scale:g})",
    )
    parser.add_argument(
        "--pooling", metavar="{max,avg}", help=f"VGG19's pooling: {' or '.join(POOLINGS)} (default {defaults.pooling})"
    )
    parser.add_argument(
        "--content-layers",
        metavar="L:W,...",
        help=f"VGG19 layers and their weights (default {format_layers(defaults.content_layers)})",
    )
    parser.add_argument(
        "--style-layers",
        metavar="L:W,...",
        help=f"e.g. conv1_1:1,conv2_1:0.5 (default {format_layers(defaults.style_layers)})",
    )
    parser.add_argument("--init", metavar="{content,noise,style}", help=f"{', '.join(INITS)} (default {defaults.init})")
    parser.add_argument("--scales", metavar="N", help="coarse-to-fine scales, 1-4 (default 1)")
    add_tile_arguments(parser, size=TILE_SIZE, above=TILE_ABOVE)
    parser.add_argument("--seed", metavar="N", help="random seed: the same seed gives the same result")
    parser.add_argument("--weights", metavar="SPEC", help=WEIGHTS_HELP)
    parser.add_argument("--device", metavar="{auto,cpu,cuda,mps}", help=DEVICE_HELP)
    parser.add_argument("--preview-every", metavar="N", help="save a preview image every N steps (needs --preview-dir)")
    parser.add_argument("--preview-dir", metavar="DIR", type=Path, help="folder for the previews")
    parser.add_argument("--denoise", action="store_true", help="denoise the result with ZS-N2N")
    add_finish_arguments(parser)
    add_mask_arguments(parser)
    add_batch_argument(parser)
    parser.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> GatysConfig:
    options: dict = {}
    for name in (*_INTS, *_FLOATS):
        text = getattr(args, name)
        if text is not None:
            options[name] = convert(name, text, int if name in _INTS else float)
    if args.style_blend is not None:
        options["style_blend"] = tuple(convert("style_blend", part, float) for part in args.style_blend.split(","))
    for name in ("content_layers", "style_layers"):
        if getattr(args, name) is not None:
            options[name] = parse_layers(name.replace("_", "-"), getattr(args, name))
    for name in ("optimizer", "init", "weights", "pooling", "tile"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if options.get("preview_every") and args.preview_dir is None:
        raise OptionError("preview-dir", "is needed with --preview-every")
    return GatysConfig(**finish_options(args), denoise=args.denoise, **options)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    masks = mask_options(args)
    if args.batch:
        return run_pairs(
            "gatys",
            expand([args.content]),
            expand(args.styles),
            args.output,
            lambda photo, style, output: run_files(photo, [style], output, config, device=args.device),
        )
    with progress_bar("gatys", args.preview_dir, preview_digits=5) as on_progress:
        record = run_files(
            args.content,
            args.styles,
            args.output,
            config,
            device=args.device,
            on_progress=on_progress,
            masks=masks,
            on_forecast=lambda peak, seconds: print(
                f"gatys: expects {describe(peak, seconds)} on this CPU", flush=True
            ),
        )
    report_steps(args.output, record)
    return 0
