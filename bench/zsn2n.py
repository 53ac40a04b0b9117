"""ZS-N2N benchmark: PSNR against classic denoisers and the paper's plain loop, run time and memory.

Prints markdown tables:
1. PSNR (dB) on centre crops of skimage.data photos with Gaussian noise (clipped to [0, 1]) for
   noisy input, Gaussian blur (oracle: the best blur sigma of a small grid per image), scikit-image
   non-local means given the true sigma, the paper's recipe as a plain loop (2000 steps), and our
   default `denoise` (which stops on its held-out loss; its step count, wall and CPU seconds shown).
2. Seconds per step of ours beside the plain loop, same image, same process (ABBA), and our
   default's whole run against the plain loop's 2000 steps.
3. (--part large) Whole `run_files` runs, as the worker makes them, on a 1 MP mosaic of four
   photos and a 12 MP one (the 1 MP mosaic tiled 4 x 3), each in a fresh process: wall and CPU
   seconds, peak RSS, PSNR, NLM on the same noisy file; and the plain loop's seconds per step there.
4. (--part kodak) The "Kodak24-style" set: 24 crops of 256 x 384 (landscape, Kodak's 2:3 at half
   size) from 8 colour skimage.data photos, 3 each; mean PSNR of NLM and ours per sigma.

    PYTHONPATH=. .venv/bin/python bench/zsn2n.py            # tables 1 and 2
    PYTHONPATH=. .venv/bin/python bench/zsn2n.py --quick    # a smoke run
    PYTHONPATH=. .venv/bin/python bench/zsn2n.py --part large --sigmas 25
    PYTHONPATH=. .venv/bin/python bench/zsn2n.py --part kodak --sigmas 25 --jobs 2
    # --plain-photos none skips the plain loop (the slow column); --jobs N runs N rows at once
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from skimage import data
from skimage.filters import gaussian
from skimage.restoration import denoise_nl_means

from stylecore.images import image_to_tensor, load_image, save_image, tensor_to_image
from stylecore.zsn2n import DenoiseConfig, add_noise, denoise_tensor, make_network, pair_downsample, psnr

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")
MOSAIC = ("astronaut", "motorcycle_left", "immunohistochemistry", "hubble_deep_field")  # at least 500 px
KODAK_PHOTOS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "motorcycle_left",
    "motorcycle_right",
    "immunohistochemistry",
    "hubble_deep_field",
)
BLUR_GRID = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def photo(name: str) -> np.ndarray:
    """An skimage.data colour photo, H x W x 3 uint8 (motorcycle_left/right: the stereo pair's halves)."""
    if name.startswith("motorcycle_"):
        return data.stereo_motorcycle()[0 if name.endswith("left") else 1]
    return getattr(data, name)()[..., :3]


def as_tensor(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(img.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0).contiguous()


def photo_crop(name: str, size: int, width: int | None = None, *, at: float = 0.5) -> torch.Tensor:
    """A size x width (default square) crop of an skimage.data photo, centred vertically and at
    `at` of the free width horizontally, as (1, 3, size, width) in [0, 1]."""
    img = photo(name)
    width = width or size
    top, left = (img.shape[0] - size) // 2, round((img.shape[1] - width) * at)
    return as_tensor(img[top : top + size, left : left + width])


def mosaic() -> np.ndarray:
    """1000 x 1000 x 3: the 500 px centre squares of the four MOSAIC photos, 2 x 2, no resampling."""
    squares = []
    for name in MOSAIC:
        img = photo(name)
        top, left = (img.shape[0] - 500) // 2, (img.shape[1] - 500) // 2
        squares.append(img[top : top + 500, left : left + 500])
    return np.concatenate([np.concatenate(squares[:2], 1), np.concatenate(squares[2:], 1)], 0)


def kodak_set() -> list[torch.Tensor]:
    """24 crops of 256 x 384 (Kodak24's 512 x 768 at half size): 3 per photo of KODAK_PHOTOS, left,
    centre and right (photos narrower than 384 px are not in the list)."""
    return [photo_crop(name, 256, 384, at=at) for name in KODAK_PHOTOS for at in (0.0, 0.5, 1.0)]


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


def timed(run):  # noqa: ANN001, ANN202
    """(run's result, wall seconds, CPU seconds of this process: what an idle core would take)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


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
    p_plain, plain_time = "-", "-"
    if with_plain:
        plain, wall, cpu = timed(lambda: plain_loop(noisy, steps=plain_steps))
        p_plain, plain_time = f"{psnr(plain, clean):.2f}", f"{wall:.0f} ({cpu:.0f})"
    (denoised, steps_done), seconds, cpu = timed(lambda: ours(noisy))
    p_ours = psnr(denoised, clean)
    row = (
        f"| {name} | {sigma:g} | {p_noisy:.2f} | {p_blur:.2f} ({blur_sigma:g}) | {p_nlm:.2f} | {p_plain} "
        f"| {p_ours:.2f} ({steps_done}) | {p_ours - p_noisy:+.2f} | {p_ours - p_nlm:+.2f} "
        f"| {plain_time} | {seconds:.0f} ({cpu:.0f}) |"
    )
    return row, steps_done, seconds


def psnr_table(
    photos: list[str], size: int, sigmas: list[float], plain_steps: int, plain: set[tuple[str, float]], jobs: int
) -> dict[tuple[str, float], int]:
    """Prints rows as they finish (`jobs` processes, one thread each); returns our default's steps per row."""
    print(f"\n### PSNR (dB), {size}x{size} centre crops, Gaussian noise\n")
    print(
        "| photo | sigma | noisy | blur (best sigma) | NLM | plain loop | ours (steps) | ours - noisy | ours - NLM "
        "| plain s (CPU s) | ours s (CPU s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
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


def zsn2n_at(rev: str) -> types.ModuleType:
    """stylecore/zsn2n.py as it was at git revision `rev` (the baseline), imported beside today's."""
    source = subprocess.check_output(["git", "show", f"{rev}:stylecore/zsn2n.py"], text=True)
    module = types.ModuleType("stylecore.zsn2n_baseline")
    module.__package__ = "stylecore"
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"{rev}:stylecore/zsn2n.py", "exec"), module.__dict__)  # noqa: S102
    return module


def large_run(args: tuple[str, str, int, int | None, str | None, float | None]) -> tuple[float, float, int, int]:
    """In a fresh process: run_files as the worker does (decode, denoise, encode) with `threads`
    torch threads, `steps` (None: the default run), today's code (`blend`: None is its default)
    or that of git revision `rev`; (wall s, CPU s, steps, peak RSS MiB of the process)."""
    noisy, out, threads, steps, rev, blend = args
    torch.set_num_threads(threads)
    module = zsn2n_at(rev) if rev else sys.modules[DenoiseConfig.__module__]
    config = module.DenoiseConfig(seed=0, steps=steps)
    if blend is not None:
        config.blend = blend
    record, wall, cpu = timed(lambda: module.run_files(Path(noisy), Path(out), config, device="cpu"))
    return wall, cpu, record.steps_done, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def plain_step_seconds(noisy: torch.Tensor, steps: int) -> float:
    """Seconds per step of the plain loop on the whole image (its cost is the same every step)."""
    return timed(lambda: plain_loop(noisy, steps=steps))[1] / steps


def large_run_in_fresh_process(  # noqa: ANN201
    noisy_file: Path, out_file: Path, threads: int, steps: int | None, rev: str | None, blend: float | None = None
):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(large_run, ((str(noisy_file), str(out_file), threads, steps, rev, blend),))


def large_images(names: list[str]) -> dict[str, np.ndarray]:
    """1mp: the mosaic; 12mp: the mosaic 4 x 3; any other name: that skimage.data photo, whole."""
    base = mosaic()
    made = {"1mp": ("1 MP mosaic (1000x1000)", base), "12mp": ("12 MP (the mosaic 4 x 3, 4000x3000)", None)}
    images = {}
    for name in names:
        label, img = made.get(name, (None, None))
        if name == "12mp":
            img = np.tile(base, (3, 4, 1))
        elif label is None:
            img = photo(name)
            label = f"{name} ({img.shape[1]}x{img.shape[0]})"
        images[label] = img
    return images


def large_table(  # noqa: PLR0913
    sigmas: list[float],
    threads: int,
    plain_steps: int,
    images: list[str],
    steps: int | None,
    baseline: str | None,
    blend: float | None = None,
) -> None:
    runs = "the default run" if steps is None else f"{steps} steps"
    runs += "" if blend is None else f", blend {blend:g}"
    print(f"\n### Whole runs (run_files, {runs}), {threads} torch threads, each in a fresh process\n")
    print(
        f"| image | sigma | noisy | NLM (s) | old: {baseline or '-'} (steps) | old s (CPU s) | ours (steps) "
        "| ours - NLM | ours - old | ours s (CPU s) | ours / old CPU s | peak RSS MiB | plain loop s/step "
        "| plain 2000 steps s (est.) | ours / plain 2000 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, img in large_images(images).items():
            clean = as_tensor(img)
            for sigma in sigmas:
                # a noisy 12 MP PNG is over the loader's 30 MB: larger photos go in as JPEG, as phones make them
                suffix = ".png" if img.size <= 3_000_000 else ".jpg"
                noisy_file, out_file = Path(tmp) / f"noisy{suffix}", Path(tmp) / "out.png"
                save_image(tensor_to_image(add_noise(clean, sigma, seed=1)), noisy_file)
                noisy = image_to_tensor(load_image(noisy_file).rgb)  # as the worker sees it: 8 bits
                p_nlm, nlm_cell = None, "-"
                if img.size <= 3_000_000:  # NLM on 12 MP takes minutes and is not the point there
                    denoised, wall, _ = timed(lambda noisy=noisy, sigma=sigma: nlm(noisy, sigma))
                    p_nlm = psnr(denoised, clean)
                    nlm_cell = f"{p_nlm:.2f} ({wall:.0f})"
                old_cells, p_old, old_cpu = "- | -", None, 1.0
                if baseline:
                    old_wall, old_cpu, old_steps, _ = large_run_in_fresh_process(
                        noisy_file, out_file, threads, steps, baseline
                    )
                    p_old = psnr(image_to_tensor(load_image(out_file).rgb), clean)
                    old_cells = f"{p_old:.2f} ({old_steps}) | {old_wall:.0f} ({old_cpu:.0f})"
                wall, cpu, steps_done, rss = large_run_in_fresh_process(
                    noisy_file, out_file, threads, steps, None, blend
                )
                p_ours = psnr(image_to_tensor(load_image(out_file).rgb), clean)
                vs_nlm = f"{p_ours - p_nlm:+.2f}" if p_nlm is not None else "-"
                ours_time = f"{wall:.0f} ({cpu:.0f})"
                vs_old = f"- | {ours_time} | -"
                if p_old is not None:
                    vs_old = f"{p_ours - p_old:+.2f} | {ours_time} | {cpu / old_cpu:.2f}"
                plain_cells = "- | - | -"
                if plain_steps:
                    torch.set_num_threads(threads)
                    plain_step = plain_step_seconds(noisy, plain_steps)
                    plain_cells = f"{plain_step:.2f} | {plain_step * 2000:.0f} | {wall / (plain_step * 2000):.3f}"
                print(
                    f"| {label} | {sigma:g} | {psnr(noisy, clean):.2f} | {nlm_cell} | {old_cells} "
                    f"| {p_ours:.2f} ({steps_done}) | {vs_nlm} | {vs_old} | {rss} | {plain_cells} |",
                    flush=True,
                )
            if plain_steps:
                plain_steps = 1  # at 12 MP one plain step is enough to know its cost


def kodak_row(case: tuple[int, float]) -> tuple[float, float, float, int]:
    """(noisy, NLM, ours PSNR, our steps) of crop `index` of the Kodak24-style set; one thread."""
    index, sigma = case
    torch.set_num_threads(1)
    clean = kodak_set()[index]
    noisy = add_noise(clean, sigma, seed=index)
    denoised, steps = ours(noisy)
    return psnr(noisy, clean), psnr(nlm(noisy, sigma), clean), psnr(denoised, clean), steps


def kodak_table(sigmas: list[float], jobs: int) -> None:
    print("\n### Kodak24-style set: 24 crops of 256 x 384 from 8 skimage.data photos, mean PSNR (dB)\n")
    print("| sigma | noisy | NLM | ours | ours - NLM | ours above NLM on | ours' steps (mean) |")
    print("|---|---|---|---|---|---|---|")
    for sigma in sigmas:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            rows = pool.map(kodak_row, [(index, sigma) for index in range(24)])
        noisy, nlms, ourss, steps = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
        print(
            f"| {sigma:g} | {noisy.mean():.2f} | {nlms.mean():.2f} | {ourss.mean():.2f} "
            f"| {(ourss - nlms).mean():+.2f} | {(ourss > nlms).sum()}/24 | {steps.mean():.0f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("crops", "large", "kodak"), default="crops")
    parser.add_argument("--photos", default=",".join(PHOTOS), help="comma-separated skimage.data names")
    parser.add_argument("--size", type=int, default=128, help="crop side for the PSNR table")
    parser.add_argument("--sigmas", default="15,25,50", help="comma-separated noise levels (0-255 scale)")
    parser.add_argument("--time-size", type=int, default=256, help="crop side for the timing table")
    parser.add_argument("--time-photos", default="astronaut", help="photos for the timing table")
    parser.add_argument("--plain-steps", type=int, default=2000, help="steps of the plain loop in the PSNR table")
    parser.add_argument("--plain-photos", help="photos the plain loop runs on (default: all)")
    parser.add_argument("--plain-sigmas", help="noise levels the plain loop runs at (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="PSNR rows run at once (one thread each)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the whole runs (--part large)")
    parser.add_argument("--large-plain-steps", type=int, default=2, help="plain steps timed at 1 MP (0: none)")
    parser.add_argument(
        "--images", default="1mp,12mp", help="--part large: 1mp, 12mp and/or skimage.data photo names (whole)"
    )
    parser.add_argument("--baseline", help="--part large: also run stylecore/zsn2n.py of this git revision")
    parser.add_argument("--large-steps", type=int, help="--part large: exactly N steps (default: the default run)")
    parser.add_argument("--blend", type=float, help="--part large: today's share of non-local means (default: its own)")
    parser.add_argument("--time-steps", type=int, default=50, help="steps timed per run (x2, ABBA)")
    parser.add_argument("--skip-psnr", action="store_true")
    parser.add_argument("--skip-time", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one 48 px photo, sigma 25, 10 timed steps")
    args = parser.parse_args()
    sigmas = [float(s) for s in args.sigmas.split(",")]
    if args.part == "large":
        large_table(
            sigmas,
            args.threads,
            args.large_plain_steps,
            args.images.split(","),
            args.large_steps,
            args.baseline,
            args.blend,
        )
        return
    if args.part == "kodak":
        kodak_table(sigmas, args.jobs)
        return
    if args.quick:
        args.photos, args.size, args.time_size, args.time_steps = "astronaut", 48, 64, 10
        sigmas = [25.0]
    photos = args.photos.split(",")
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
