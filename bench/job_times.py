"""How long each job-page algorithm takes on this machine: the Gatys presets and the job page's fallback rates.

    STYLECORE_VGG_WEIGHTS=random python bench/job_times.py [--part presets|rates|all] [--device cpu]

Whole runs through each algorithm's `run_files` (decode, run, encode with the RunRecord), as the
worker runs them, on a synthetic 4:3 photo (640x480) and a 256 px style. Random weights
throughout: a run's cost does not depend on the weights' values.

- presets: Gatys (L-BFGS) at each preset's size, steps and scales (and candidates given with
  --presets SIZE:STEPS:SCALES,...), one run each: seconds, and seconds per unit.
- rates: seconds per unit of Johnson (the standard network the catalogue's styles use, and the
  light one), Chen (default options) and Denoise, the median of --repeats runs after a warm-up.

A unit is what the job page's expected time counts (gallery/studio/selectors.expected_seconds):
one step over one megapixel of the result; a coarse-to-fine Gatys run's coarser scales count
at their smaller size (1/4 the pixels per halving). Johnson and Chen make one pass (one step).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stylecore import chen, gatys, johnson, zsn2n  # noqa: E402
from stylecore.devices import describe_device, pick_device  # noqa: E402
from stylecore.modelfile import save_model  # noqa: E402

# The job page's Gatys presets: name, size, steps, scales.
PRESETS = [(name, p["size"], p["steps"], p["scales"]) for name, p in gatys.PRESETS.items()]


def make_inputs(folder: Path) -> tuple[Path, Path]:
    photo = Image.linear_gradient("L").resize((640, 480))
    photo = Image.merge("RGB", (photo, photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT), photo.rotate(90)))
    draw = ImageDraw.Draw(photo)
    for index in range(12):  # some edges, as a real photo has
        draw.ellipse(
            (index * 50, 100 + index * 20, index * 50 + 90, 190 + index * 20), outline=(250, 240, 200), width=4
        )
    style = Image.effect_noise((256, 256), 60).convert("RGB").filter(ImageFilter.GaussianBlur(2))
    photo.save(folder / "photo.png")
    style.save(folder / "style.png")
    return folder / "photo.png", folder / "style.png"


def units(steps: int, pixels: int, scales: int = 1) -> float:
    return steps * pixels / 1e6 * gatys.pixel_share(scales)


def presets(folder: Path, photo: Path, style: Path, candidates: list[tuple[str, int, int, int]], device: str) -> None:
    print("| preset | size | steps | scales | result | seconds | s per unit |")
    print("|---|---|---|---|---|---|---|")
    for name, size, steps, scales in candidates:
        out = folder / f"gatys-{name}.png"
        config = gatys.GatysConfig(size=size, steps=steps, scales=scales, weights="random")
        record = gatys.run_files(photo, [style], out, config, device=device)
        with Image.open(out) as img:
            width, height = img.size
        rate = record.seconds / units(record.steps_done, width * height, scales)
        print(f"| {name} | {size} | {steps} | {scales} | {width}x{height} | {record.seconds:.1f} | {rate:.2f} |")


def timed(run, repeats: int) -> float:  # noqa: ANN001
    run()  # warm-up: model export and caches, as a worker's first job pays once
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def rates(folder: Path, photo: Path, style: Path, repeats: int, device: str) -> None:
    torch.manual_seed(0)
    models = {}
    for variant in ("standard", "light"):
        net = johnson.TransformerNet(variant=variant)
        meta = johnson.model_metadata(net, style="bench", training={"steps_done": 0})
        models[variant] = save_model(folder / f"johnson-{variant}.safetensors", net.state_dict(), meta)
    decoder_meta = {"kind": "chen-decoder", "variant": "relu3_1", "training": {"weights": "random", "steps_done": 0}}
    decoder = save_model(folder / "decoder.safetensors", chen.InverseNet().state_dict(), decoder_meta)
    out = folder / "out.png"
    size, denoise_steps = 512, 20
    pixels = size * size * 3 // 4  # 512x384 from the 4:3 photo
    rows = [
        (
            f"Johnson {variant}, 512 px",
            1,
            lambda m=model: johnson.run_files(m, photo, out, size=size, device=device),
        )
        for variant, model in models.items()
    ]
    rows.append(
        (
            "Chen, 512 px, default options",
            1,
            lambda: chen.run_files(photo, style, out, chen.ChenConfig(size=size), decoder=decoder, device=device),
        )
    )
    small = folder / "small.png"
    with Image.open(photo) as img:
        img.resize((size, size * 3 // 4)).save(small)
    rows.append(
        (
            f"Denoise, 512 px, {denoise_steps} steps",
            denoise_steps,
            lambda: zsn2n.run_files(small, out, zsn2n.DenoiseConfig(steps=denoise_steps), device=device),
        )
    )
    print("| run | seconds | s per unit |")
    print("|---|---|---|")
    for label, steps, run in rows:
        seconds = timed(run, repeats)
        # Denoise's steps work on at most zsn2n.STEP_PIXELS, plus one output pass (the registry's units)
        count = zsn2n.pixel_steps(steps, pixels) / 1e6 if label.startswith("Denoise") else units(steps, pixels)
        print(f"| {label} | {seconds:.2f} | {seconds / count:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("presets", "rates", "all"), default="all")
    parser.add_argument("--only", default="", help="run only these presets: quick,balanced,... (default: all)")
    parser.add_argument("--presets", default="", help="more Gatys candidates: SIZE:STEPS:SCALES,...")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default=None, help="cpu, cuda (default: STYLECORE_DEVICE or auto)")
    args = parser.parse_args()
    os.environ.setdefault("STYLECORE_VGG_WEIGHTS", "random")
    device = pick_device(args.device)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {describe_device(device)}\n")
    only = set(filter(None, args.only.split(",")))
    candidates = [preset for preset in PRESETS if not only or preset[0] in only]
    for spec in filter(None, args.presets.split(",")):
        size, steps, scales = (int(part) for part in spec.split(":"))
        candidates.append((f"{size}:{steps}:{scales}", size, steps, scales))
    with tempfile.TemporaryDirectory(prefix="job-times-") as scratch:
        folder = Path(scratch)
        photo, style = make_inputs(folder)
        if args.part in ("presets", "all"):
            presets(folder, photo, style, candidates, device.type)
            print()
        if args.part in ("rates", "all"):
            rates(folder, photo, style, args.repeats, device.type)


if __name__ == "__main__":
    main()
