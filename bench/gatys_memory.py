"""Gatys at high resolution: peak RSS per pixel and time per step, untiled vs tiled, beside the forecast.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python bench/gatys_memory.py [--sizes 512 1024 2048] [--steps 2]
                                                                        [--limit-gb 14] [--seams 640]

Each (size, untiled|tiled) row is one fresh child process (a process's peak only grows) running
``stylize`` on a square random photo and style for --steps steps per tile, the first --max-tiles tiles
(Adam, random VGG19 weights: the cost does not depend on the weights' values). It reports its RSS after the imports
(baseline), its peak RSS (ru_maxrss), and the CPU seconds of each step (between two progress
reports; the first step of each tile, which also computes the targets, is left out); wall seconds
are printed too but the machine is shared, so its CPU seconds are the measure. Tiled rows use
tiles of gatys_tiles.TILE_SIZE, or half the side where that is smaller than the image.
A row whose forecast peak is above --limit-gb is not run: the machine is shared; its forecast is shown.

The per-pixel constants of stylecore/gatys_tiles.py come from these rows: step bytes per pixel =
(peak - baseline - image bytes) / pixels of the largest tile, and CPU seconds per pixel-step / threads.

--seams SIDE: also a tiled and an untiled run of the same photo (2 steps per tile, tiles as above):
the mean |tiled - untiled| (0-255) in the overlaps where tiles blend and elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stylecore import gatys_tiles  # noqa: E402
from stylecore.features import VGGFeatures  # noqa: E402
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS, GatysConfig, forecast, stylize  # noqa: E402


def images(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    small = torch.rand(1, 3, max(2, size // 16), max(2, size // 16), generator=generator)
    content = F.interpolate(small, size=(size, size), mode="bilinear", align_corners=False)
    style = torch.rand(1, 3, size, size, generator=generator)
    return content.contiguous(), style


def tile_for(size: int) -> int:
    return gatys_tiles.TILE_SIZE if size > gatys_tiles.TILE_SIZE else size // 2 // 4 * 4


def config(size: int, tiled: bool, steps: int) -> GatysConfig:
    return GatysConfig(size=size, steps=steps, optimizer="adam", tile=tile_for(size) if tiled else 0, weights="random")


def current_rss() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))


def child(size: int, tiled: bool, steps: int, max_tiles: int) -> dict:
    content, style = images(size)
    vgg = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    baseline = current_rss()
    cpu, wall, stages = [], [], []
    last = [time.process_time(), time.perf_counter()]

    def on_progress(progress: object) -> bool:
        now = [time.process_time(), time.perf_counter()]
        # not a tile's first step (that one makes the targets), unless it is the only one
        if steps == 1 or (stages and stages[-1] == progress.stage):
            cpu.append(now[0] - last[0])
            wall.append(now[1] - last[1])
        stages.append(progress.stage)
        last[:] = [time.process_time(), time.perf_counter()]
        return progress.step >= max_tiles * steps  # the peak is the first tile's; the rest repeat it

    stylize(content, [style], config(size, tiled, steps), features=vgg, on_progress=on_progress)
    return {
        "baseline": baseline,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "cpu_step": statistics.median(cpu),
        "wall_step": statistics.median(wall),
        "tiles": len(set(stages)),
    }


def run_child(size: int, tiled: bool, steps: int, max_tiles: int) -> dict:
    mode = "tiled" if tiled else "untiled"
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(size), mode, "--steps", str(steps), "--max-tiles", str(max_tiles)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def seams(side: int) -> tuple[float, float]:
    from tests.helpers.seams import seam_figures

    content, style = images(side)
    vgg = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    results = {tiled: stylize(content, [style], config(side, tiled, 2), features=vgg) for tiled in (False, True)}
    return seam_figures(results[True].image, results[False].image, tile_for(side), gatys_tiles.OVERLAP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[512, 1024, 2048])
    parser.add_argument("--steps", type=int, default=2, help="steps per tile (the first is left out of the times)")
    parser.add_argument("--max-tiles", type=int, default=2, help="tiles each tiled row runs (all: a full scale)")
    parser.add_argument("--limit-gb", type=float, default=14.0, help="do not run a row forecast above this")
    parser.add_argument("--seams", type=int, default=0, metavar="SIDE", help="also the seam check at this side")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1] == "tiled", args.steps, args.max_tiles)))
        return
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} threads, CPU, random VGG19 weights, Adam, {args.steps} steps a tile\n")
    print(
        "| size | run | tiles | baseline | peak RSS | peak - baseline | bytes / px | forecast peak "
        "| CPU s / step | wall s / step | CPU µs / px-step | forecast s / step | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        for tiled in (False, True):
            settings = config(size, tiled, args.steps)
            peak_forecast, seconds = forecast(settings, (size, size))
            areas = gatys_tiles.tile_areas(size, size, gatys_tiles.tile_side(settings.tile, size, size))
            per_step = seconds / args.steps / len(areas)
            name = f"tiled {tile_for(size)}" if tiled else "untiled"
            if peak_forecast > args.limit_gb * 1e9:
                print(
                    f"| {size} | {name} | {len(areas)} | not run | | | | {peak_forecast / 1e9:.1f} GB "
                    f"| | | | {per_step:.1f} | {load()} |",
                    flush=True,
                )
                continue
            row = run_child(size, tiled, args.steps, args.max_tiles)
            grown = row["peak"] - row["baseline"]
            print(
                f"| {size} | {name} | {row['tiles']} | {row['baseline'] / 1e9:.2f} GB | {row['peak'] / 1e9:.2f} GB "
                f"| {grown / 1e9:.2f} GB | {grown / size**2:.0f} | {peak_forecast / 1e9:.2f} GB "
                f"| {row['cpu_step']:.2f} | {row['wall_step']:.2f} | {row['cpu_step'] / max(areas) * 1e6:.2f} "
                f"| {per_step:.2f} | {load()} |",
                flush=True,
            )
    if args.seams:
        border, elsewhere = seams(args.seams)
        print(
            f"\nSeams at {args.seams} px: mean |tiled - untiled| {border:.2f} levels in the overlaps, "
            f"{elsewhere:.2f} elsewhere"
        )


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
