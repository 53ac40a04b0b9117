"""`python -m stylecore video MODEL|chen IN -o OUT.mp4 [--style STYLE --decoder DEC] [options]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..video import MAX_BATCH, VideoConfig, run_files
from .common import DEVICE_HELP, add_finish_arguments, finish_options, progress_bar


def register(subparsers: argparse._SubParsersAction) -> None:
    defaults = VideoConfig()
    parser = subparsers.add_parser(
        "video",
        help="stylize a video frame by frame (Johnson model or Chen style swap), sound kept",
        description="Stylize every frame of a video into an H.264 MP4 with the original frame rate and sound.",
    )
    parser.add_argument(
        "model", metavar="MODEL|chen", help="a Johnson model file (.safetensors or public .pth), or chen"
    )
    parser.add_argument("input", type=Path, metavar="IN", help="MP4, MOV, WebM or MKV")
    parser.add_argument("-o", "--output", type=Path, required=True, help="result .mp4")
    parser.add_argument("--style", type=Path, help="style image (chen)")
    parser.add_argument("--decoder", type=Path, help="trained inverse network (chen)")
    parser.add_argument("--height", type=int, help="output height in pixels (default: the video's)")
    parser.add_argument("--start", type=float, default=0.0, help="first second to stylize (default 0)")
    parser.add_argument("--end", type=float, help="second to stop at (default: the end)")
    parser.add_argument("--batch", type=int, default=defaults.batch, help=f"frames per network call, 1-{MAX_BATCH}")
    parser.add_argument("--stable", action="store_true", help="reduce flicker by blending along the optical flow")
    parser.add_argument(
        "--crf", type=int, default=defaults.crf, help=f"H.264 quality, lower is better (default {defaults.crf})"
    )
    parser.add_argument("--device", help=DEVICE_HELP)
    add_finish_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = VideoConfig(
        height=args.height,
        start=args.start,
        end=args.end,
        batch=args.batch,
        stable=args.stable,
        crf=args.crf,
        **finish_options(args),
    )
    with progress_bar("video", unit="frame") as on_progress:
        record = run_files(
            args.model,
            args.input,
            args.output,
            config,
            style=args.style,
            decoder=args.decoder,
            device=args.device,
            on_progress=on_progress,
        )
    marks = " (random weights)" if record.random_weights else ""
    fps = record.final_losses.get("fps", 0.0)
    print(
        f"{args.output}: {record.steps_done} frames in {record.seconds:.1f} s ({fps:.1f} fps) on {record.device}{marks}"
    )
    return 0
