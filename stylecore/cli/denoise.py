"""`python -m stylecore denoise NOISY -o OUT` (ZS-N2N) and `add-noise CLEAN -o OUT --sigma 25`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from ..devices import DEVICE_CHOICES
from ..errors import OptionError
from ..images import image_to_tensor, load_image, output_format, save_image, tensor_to_image
from ..progress import Progress
from ..zsn2n import DEFAULT_STEPS, DenoiseConfig, add_noise, run_files, single_channel_if_grey
from .gatys import _convert

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
    parser.add_argument("--device", help=f"{', '.join(DEVICE_CHOICES)} (default: STYLECORE_DEVICE or auto)")
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
    return None if text is None else int(_convert(name, text, int))


def run_denoise(args: argparse.Namespace) -> int:
    config = DenoiseConfig(steps=_optional_int("steps", args.steps), seed=_optional_int("seed", args.seed))
    output_format(args.output)  # refuse a bad extension before the run, not after it
    bar = tqdm(desc="denoise", unit="step", file=sys.stderr, dynamic_ncols=True, delay=0.5)

    def on_progress(progress: Progress) -> bool:
        if bar.total != progress.total:
            bar.reset(total=progress.total)
        bar.set_postfix({key: f"{value:.3g}" for key, value in progress.losses.items()}, refresh=False)
        bar.update(progress.step - bar.n)
        return False

    try:
        record = run_files(args.noisy, args.output, config, device=args.device, on_progress=on_progress)
    finally:
        bar.close()
    print(f"{args.output}: {record.steps_done} steps in {record.seconds:.1f} s on {record.device}")
    return 0


def run_add_noise(args: argparse.Namespace) -> int:
    sigma = float(_convert("sigma", args.sigma, float))
    if not 0 <= sigma <= MAX_SIGMA:
        raise OptionError("sigma", f"must be between 0 and {MAX_SIGMA:g}, not {args.sigma}")
    seed = _optional_int("seed", args.seed)
    if seed is not None and seed < 0:
        raise OptionError("seed", f"must be a non-negative integer, not {seed}")
    output_format(args.output)
    loaded = load_image(args.clean)
    noisy = add_noise(single_channel_if_grey(image_to_tensor(loaded.rgb)), sigma, seed=seed)
    save_image(tensor_to_image(noisy), args.output, alpha=loaded.alpha)
    print(f"{args.output}: Gaussian noise sigma {sigma:g}")
    return 0
