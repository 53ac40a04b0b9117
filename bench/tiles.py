"""High resolution in tiles (stylecore.tiles): peak memory and time, whole vs tiled, and the seams.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python bench/tiles.py [--sizes 512 1024 2048] [--tile 512]

Each (stylizer, size, tiling) runs ``run_files`` -- load, network, finish, save, as a job does --
in a fresh subprocess that reports its peak RSS (ru_maxrss) and its RSS before the run (imports,
model), so every row's memory is its own. Networks are fixed-seed random ones scaled to paint
structure (tests/helpers/seams.py): speed and memory do not depend on the weights. Whole Johnson
runs take the CPU's default engine (ONNX Runtime); tiled ones run on PyTorch (tiles.py).

Seams: the structured standard Johnson network on a photo, whole and in tiles; the mean absolute
difference (0-255) in the overlaps where tiles are blended ("border") and elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stylecore import chen, johnson, tiles  # noqa: E402
from stylecore.images import image_to_tensor, load_image  # noqa: E402
from tests.helpers.seams import (  # noqa: E402
    seam_figures,
    structured_decoder_file,
    structured_johnson,
    structured_johnson_file,
)

PHOTO = Path("/work/shared/images/amber.jpg")
FALLBACK = ROOT / "stylecore" / "data" / "astronaut.png"


def picture(side: int) -> Image.Image:
    source = load_image(PHOTO if PHOTO.is_file() else FALLBACK).rgb
    return source.resize((side, side), Image.Resampling.LANCZOS)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_run(folder: Path, stylizer: str, side: int, tile: int) -> dict:
    """The child: one run_files, its time and memory (as JSON on stdout)."""
    content = folder / f"photo-{side}.png"
    before = rss_mb()
    started = time.perf_counter()
    if stylizer.startswith("johnson"):
        record = johnson.run_files(
            folder / f"{stylizer}.safetensors", content, folder / "out.png", johnson.JohnsonConfig(tile=tile)
        )
    else:
        record = chen.run_files(
            content,
            folder / "style.png",
            folder / "out.png",
            chen.ChenConfig(tile=tile, style_size=128),
            decoder=folder / "chen.safetensors",
        )
    return {
        "seconds": time.perf_counter() - started,
        "before_mb": before,
        "peak_mb": rss_mb(),
        "tiled": record.params["tiled"],
        "engine": record.params.get("engine", "torch"),
    }


def prepare(folder: Path, sizes: list[int]) -> None:
    for side in sizes:
        picture(side).save(folder / f"photo-{side}.png")
    picture(128).save(folder / "style.png")
    for variant in ("standard", "light"):
        structured_johnson_file(folder / f"johnson-{variant}.safetensors", variant)
    structured_decoder_file(folder / "chen.safetensors")


def measure(folder: Path, stylizer: str, side: int, tile: int) -> dict:
    command = [sys.executable, __file__, "--child", str(folder), stylizer, str(side), str(tile)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def seams(sides: list[int], tile: int) -> list[str]:
    net = structured_johnson("standard")
    rows = []
    for side in sides:
        content = image_to_tensor(picture(side), torch.device("cpu"))
        whole = johnson.stylize(net, content)

        def paint(part: torch.Tensor) -> torch.Tensor:
            return johnson.stylize(net, part)

        shared = tiles.run_in_tiles(content, paint, tile=tile, network=net)
        own = tiles.tiled(content, paint, tile=tile)
        with tiles.shared_instance_norm(net, lambda content=content: paint(tiles.downscaled(content, (2 * tile) ** 2))):
            whole_same_statistics = paint(content)
        figures = [
            seam_figures(shared, whole, tile),
            seam_figures(own, whole, tile),
            seam_figures(shared, whole_same_statistics, tile),
        ]
        cells = " | ".join(f"{border:.2f} / {elsewhere:.2f}" for border, elsewhere in figures)
        rows.append(f"| {side} | {tile} | {whole.std().item() * 255:.0f} | {cells} |")
    return rows


def print_table(folder: Path, args: argparse.Namespace) -> None:
    print("\n| stylizer | side | run | engine | seconds | s / MP | peak RSS MB | peak - before, MB | MB / MP |")
    print("|---|---|---|---|---|---|---|---|---|")
    for stylizer in args.stylizers:
        for side in args.sizes:
            tile = args.tile if side > args.tile else args.tile // 2
            runs = [(f"tiles of {tile}", tile)]
            if side <= args.whole_up_to:
                runs.insert(0, ("whole", 0))
            for name, setting in runs:
                row = measure(folder, stylizer, side, setting)
                megapixels = side * side / 1e6
                grown = row["peak_mb"] - row["before_mb"]
                cells = [row["engine"], f"{row['seconds']:.1f}", f"{row['seconds'] / megapixels:.1f}"]
                cells += [f"{row['peak_mb']:.0f}", f"{grown:.0f}", f"{grown / megapixels:.0f}"]
                print(f"| {stylizer} | {side} | {name} | {' | '.join(cells)} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    parser.add_argument("--tile", type=int, default=tiles.TILE_SIZE)
    parser.add_argument("--stylizers", nargs="*", default=["johnson-standard", "johnson-light", "chen"])
    parser.add_argument("--whole-up-to", type=int, default=2048, help="largest side also run whole")
    parser.add_argument("--seam-sizes", type=int, nargs="*", default=[1024, 2048])
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(2)
    if args.child:
        folder, stylizer, side, tile = args.child
        print(json.dumps(one_run(Path(folder), stylizer, int(side), int(tile))))
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        prepare(folder, args.sizes)
        if args.stylizers:
            print_table(folder, args)
    if args.seam_sizes:
        print(
            "\n| side | tile | output spread | tiled vs whole, border / elsewhere | same, each tile its own statistics "
            "| tiled vs whole with the same statistics |"
        )
        print("|---|---|---|---|---|---|")
        for row in seams(args.seam_sizes, args.tile):
            print(row, flush=True)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
