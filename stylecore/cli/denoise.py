"""`python -m stylecore denoise NOISY -o OUT` (ZS-N2N) and `add-noise CLEAN -o OUT --sigma 25`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..images import image_to_tensor, load_image, output_format, save_image, tensor_to_image
from ..options import SEED_MAX, check_number
from ..zsn2n import DEFAULT_BLEND, DEFAULT_STEPS, DenoiseConfig, add_noise, run_files, single_channel_if_grey
from .common import DEVICE_HELP, convert, progress_bar, report_steps

MAX_SIGMA = 255.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "denoise",
        help="remove noise from a photo (zero-shot Noise2Noise)",
        description="Train a tiny network on the noisy photo itself and output the denoised photo.",
    )
    parser.add_argument("noisy", type=Path, metavar="NOISY")
    parser.add_argument("-o", "--output", type=Path, required=True, help="result file (.png keeps alpha, .jpg)")
    parser.add_argument(
        "--steps", help=f"exactly N steps (default: stop when a held-out loss stops falling, at most {DEFAULT_STEPS})"
    )
    parser.add_argument("--seed", help="random seed: the same seed gives the same result")
    parser.add_argument(
        "--blend",
        default=str(DEFAULT_BLEND),
        help=f"share of non-local means in the result, 0 to 1 (0: the network alone; default {DEFAULT_BLEND})",
    )
    parser.add_argument("--device", help=DEVICE_HELP)
    parser.set_defaults(func=run_denoise)

    parser = subparsers.add_parser(
        "add-noise",
        help="add Gaussian noise to a photo (to try the denoiser)",
        description="Add Gaussian noise of the given standard deviation (0-255 scale), clipped to the valid range.",
    )
    parser.add_argument("clean", type=Path, metavar="CLEAN")
    parser.add_argument("-o", "--output", type=Path, required=True, help="result file (.png keeps alpha, .jpg)")
    parser.add_argument("--sigma", required=True, help="noise standard deviation on the 0-255 scale, e.g. 25")
    parser.add_argument("--seed", help="random seed: the same seed gives the same noise")
    parser.set_defaults(func=run_add_noise)


def _optional_int(name: str, text: str | None) -> int | None:
    return None if text is None else int(convert(name, text, int))


def run_denoise(args: argparse.Namespace) -> int:
    config = DenoiseConfig(
        steps=_optional_int("steps", args.steps),
        seed=_optional_int("seed", args.seed),
        blend=float(convert("blend", args.blend, float)),
    )
    output_format(args.output)  # refuse a bad extension before the run, not after it
    with progress_bar("denoise") as on_progress:
        record = run_files(args.noisy, args.output, config, device=args.device, on_progress=on_progress)
    report_steps(args.output, record)
    return 0


def run_add_noise(args: argparse.Namespace) -> int:
    sigma = float(convert("sigma", args.sigma, float))
    check_number("sigma", sigma, 0, MAX_SIGMA)
    seed = _optional_int("seed", args.seed)
    check_number("seed", seed, 0, SEED_MAX, integer=True, optional=True)
    output_format(args.output)
    loaded = load_image(args.clean)
    noisy = add_noise(single_channel_if_grey(image_to_tensor(loaded.rgb)), sigma, seed=seed)
    save_image(tensor_to_image(noisy), args.output, alpha=loaded.alpha)
    print(f"{args.output}: Gaussian noise sigma {sigma:g}")
    return 0
