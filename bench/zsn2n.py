"""ZS-N2N benchmark: PSNR against classic denoisers and the paper's plain loop, and run time.

Prints two markdown tables:
1. PSNR (dB) on centre crops of skimage.data photos with Gaussian noise (clipped to [0, 1]) for
   noisy input, Gaussian blur (oracle: the best blur sigma of a small grid per image), scikit-image
   non-local means given the true sigma, the paper's recipe as a plain loop (2000 steps), and our
   default `denoise` (which stops on its held-out loss; its step count is shown).
2. Seconds per step of ours beside the plain loop, same image, same process (ABBA), and our
   default's whole run against the plain loop's 2000 steps.

    PYTHONPATH=. .venv/bin/python bench/zsn2n.py            # full tables
    PYTHONPATH=. .venv/bin/python bench/zsn2n.py --quick    # a smoke run
    # --plain-photos none skips the plain loop (the slow column); --jobs N runs N rows at once
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

import numpy as np
import torch
import torch.nn.functional as F
from skimage import data
from skimage.filters import gaussian
from skimage.restoration import denoise_nl_means

from stylecore.zsn2n import DenoiseConfig, add_noise, denoise_tensor, make_network, pair_downsample, psnr

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")
BLUR_GRID = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def photo_crop(name: str, size: int) -> torch.Tensor:
    """A size x size centre crop of an skimage.data photo as (1, 3, size, size) in [0, 1]."""
    img = getattr(data, name)()
    top, left = (img.shape[0] - size) // 2, (img.shape[1] - size) // 2
    crop = img[top : top + size, left : left + size, :3].astype(np.float32) / 255.0
    return torch.from_numpy(crop).permute(2, 0, 1).unsqueeze(0).contiguous()


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t[0].permute(1, 2, 0).numpy()


def blur_best(noisy: torch.Tensor, clean: torch.Tensor) -> tuple[float, float]:
    """(PSNR, blur sigma) of the Gaussian blur from BLUR_GRID that scores best on this image."""
    scores = []
    for s in BLUR_GRID:
        out = torch.from_numpy(gaussian(to_numpy(noisy), sigma=s, channel_axis=-1)).permute(2, 0, 1)[None].float()
        scores.append((psnr(out, clean), s))
    return max(scores)


def nlm(noisy: torch.Tensor, sigma: float) -> torch.Tensor:
    s = sigma / 255.0
    out = denoise_nl_means(
        to_numpy(noisy), h=0.8 * s, sigma=s, fast_mode=True, patch_size=5, patch_distance=6, channel_axis=-1
    )
    return torch.from_numpy(out).permute(2, 0, 1)[None].float()


def plain_loop(noisy: torch.Tensor, *, steps: int = 2000, seed: int = 0) -> torch.Tensor:
    """The paper's recipe written straightforwardly, as its reference notebook does."""
    torch.manual_seed(seed)
    model = make_network(channels=noisy.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1000, gamma=0.5)
    for _ in range(steps):
        noisy1, noisy2 = pair_downsample(noisy)
        pred1 = noisy1 - model(noisy1)
        pred2 = noisy2 - model(noisy2)
        loss_res = 0.5 * (F.mse_loss(noisy1, pred2) + F.mse_loss(noisy2, pred1))
        denoised1, denoised2 = pair_downsample(noisy - model(noisy))
        loss_cons = 0.5 * (F.mse_loss(pred1, denoised1) + F.mse_loss(pred2, denoised2))
        optimizer.zero_grad()
        (loss_res + loss_cons).backward()
        optimizer.step()
        scheduler.step()
    with torch.no_grad():
        return (noisy - model(noisy)).clamp(0, 1)


def ours(noisy: torch.Tensor, *, steps: int | None = None, seed: int = 0) -> tuple[torch.Tensor, int]:
    """Our `denoise` and the steps it ran: steps None is its default run (stops on the held-out loss)."""
    denoised, steps_done, _ = denoise_tensor(noisy, DenoiseConfig(steps=steps, seed=seed))
    return denoised, steps_done


def psnr_row(case: tuple[str, int, float, int, bool]) -> tuple[str, int, float]:
    """One markdown row of the PSNR table (photo, size, sigma, plain steps, run the plain loop?),
    our default's steps and seconds; one thread per row."""
    name, size, sigma, plain_steps, with_plain = case
    torch.set_num_threads(1)
    clean = photo_crop(name, size)
    noisy = add_noise(clean, sigma, seed=1)
    p_noisy = psnr(noisy, clean)
    p_blur, blur_sigma = blur_best(noisy, clean)
    p_nlm = psnr(nlm(noisy, sigma), clean)
    p_plain = f"{psnr(plain_loop(noisy, steps=plain_steps), clean):.2f}" if with_plain else "-"
    started = time.perf_counter()
    denoised, steps_done = ours(noisy)
    seconds = time.perf_counter() - started
    p_ours = psnr(denoised, clean)
    row = (
        f"| {name} | {sigma:g} | {p_noisy:.2f} | {p_blur:.2f} ({blur_sigma:g}) | {p_nlm:.2f} | {p_plain} "
        f"| {p_ours:.2f} ({steps_done}) | {p_ours - p_noisy:+.2f} | {p_ours - p_nlm:+.2f} |"
    )
    return row, steps_done, seconds


def psnr_table(
    photos: list[str], size: int, sigmas: list[float], plain_steps: int, plain: set[tuple[str, float]], jobs: int
) -> dict[tuple[str, float], int]:
    """Prints rows as they finish (`jobs` processes, one thread each); returns our default's steps per row."""
    print(f"\n### PSNR (dB), {size}x{size} centre crops, Gaussian noise\n")
    print("| photo | sigma | noisy | blur (best sigma) | NLM | plain loop | ours (steps) | ours - noisy | ours - NLM |")
    print("|---|---|---|---|---|---|---|---|---|")
    cases = [(name, size, sigma, plain_steps, (name, sigma) in plain) for sigma in sigmas for name in photos]
    steps: dict[tuple[str, float], int] = {}
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for case, (row, steps_done, _) in zip(cases, pool.imap(psnr_row, cases), strict=True):
            print(row, flush=True)
            steps[case[0], case[2]] = steps_done
    return steps


def timing_table(photos: list[str], size: int, sigma: float, steps: int, default_steps: dict[str, int]) -> None:
    """Seconds per step of each, run plain, ours, ours, plain (ABBA) so a load change hits both alike.

    Both run `steps` steps of fixed cost; our default's whole run is its step count (from the PSNR
    table's run of the same image, or one run here) times its per-step time.
    """
    threads = torch.get_num_threads()
    print(f"\n### Time, {size}x{size}, sigma {sigma:g}, {steps} steps each x2 (ABBA), {threads} threads\n")
    print(
        "| photo | plain s/step | ours s/step | ours / plain per step | ours default steps "
        "| plain 2000 steps s (est.) | ours default s (est.) | ours default / plain 2000 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in photos:
        noisy = add_noise(photo_crop(name, size), sigma, seed=1)
        seconds = {"plain": 0.0, "ours": 0.0}
        for which in ("plain", "ours", "ours", "plain"):
            started = time.perf_counter()
            plain_loop(noisy, steps=steps) if which == "plain" else ours(noisy, steps=steps)
            seconds[which] += time.perf_counter() - started
        plain_step, ours_step = seconds["plain"] / (2 * steps), seconds["ours"] / (2 * steps)
        n = default_steps[name] if name in default_steps else ours(noisy)[1]
        print(
            f"| {name} | {plain_step:.4f} | {ours_step:.4f} | {ours_step / plain_step:.2f} | {n} "
            f"| {plain_step * 2000:.0f} | {ours_step * n:.0f} | {ours_step * n / (plain_step * 2000):.2f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", default=",".join(PHOTOS), help="comma-separated skimage.data names")
    parser.add_argument("--size", type=int, default=128, help="crop side for the PSNR table")
    parser.add_argument("--sigmas", default="15,25,50", help="comma-separated noise levels (0-255 scale)")
    parser.add_argument("--time-size", type=int, default=256, help="crop side for the timing table")
    parser.add_argument("--time-photos", default="astronaut", help="photos for the timing table")
    parser.add_argument("--plain-steps", type=int, default=2000, help="steps of the plain loop in the PSNR table")
    parser.add_argument("--plain-photos", help="photos the plain loop runs on (default: all)")
    parser.add_argument("--plain-sigmas", help="noise levels the plain loop runs at (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="PSNR rows run at once (one thread each)")
    parser.add_argument("--time-steps", type=int, default=50, help="steps timed per run (x2, ABBA)")
    parser.add_argument("--skip-psnr", action="store_true")
    parser.add_argument("--skip-time", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one 48 px photo, sigma 25, 10 timed steps")
    args = parser.parse_args()
    if args.quick:
        args.photos, args.size, args.sigmas, args.time_size, args.time_steps = "astronaut", 48, "25", 64, 10
    photos = args.photos.split(",")
    sigmas = [float(s) for s in args.sigmas.split(",")]
    plain_photos = args.plain_photos.split(",") if args.plain_photos else photos
    plain_sigmas = [float(s) for s in args.plain_sigmas.split(",")] if args.plain_sigmas else sigmas
    default_steps: dict[str, int] = {}
    if not args.skip_psnr:
        plain = {(name, sigma) for name in plain_photos for sigma in plain_sigmas}
        steps = psnr_table(photos, args.size, sigmas, args.plain_steps, plain, args.jobs)
        if args.size == args.time_size:
            default_steps = {name: n for (name, sigma), n in steps.items() if sigma == 25}
    if not args.skip_time:
        timing_table(args.time_photos.split(","), args.time_size, 25.0, args.time_steps, default_steps)


if __name__ == "__main__":
    main()
