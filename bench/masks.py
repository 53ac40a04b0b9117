"""A README picture of region masks: a photo stylized by Gatys with two styles, one inside a mask, the other
on the rest (guided Grams, stylecore.masks), written side by side with its inputs as one small JPEG.

    .venv/bin/python -u bench/masks.py PHOTO STYLE_A STYLE_B [--mask FILE] [-o docs/masks.jpg]

Without --mask, the script draws one: a disc in the middle for STYLE_A (STYLE_B takes the rest). The caption
says which VGG19 weights made the picture (random ones give a weaker, noisier style than torchvision's).
Prints the run's wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stylecore import gatys  # noqa: E402
from stylecore.images import load_image  # noqa: E402

TILE = 200  # each panel's height in the strip, pixels
CAPTION = 18  # the caption band under each panel


def disc_mask(path: Path, size: tuple[int, int]) -> Path:
    """White disc in the middle (radius 0.3 of the shorter side), black around it."""
    width, height = size
    mask = Image.new("L", size, 0)
    radius = 0.3 * min(size)
    ImageDraw.Draw(mask).ellipse(
        (width / 2 - radius, height / 2 - radius, width / 2 + radius, height / 2 + radius), fill=255
    )
    mask.save(path)
    return path


def panel(image: Image.Image, caption: str, font: ImageFont.ImageFont) -> Image.Image:
    image = image.convert("RGB")
    width = round(image.width * TILE / image.height)
    out = Image.new("RGB", (width, TILE + CAPTION), "white")
    out.paste(image.resize((width, TILE), Image.Resampling.LANCZOS), (0, 0))
    ImageDraw.Draw(out).text((4, TILE + 3), caption, fill="black", font=font)
    return out


def strip(panels: list[Image.Image], note: str, font: ImageFont.ImageFont) -> Image.Image:
    gap = 6
    width = sum(p.width for p in panels) + gap * (len(panels) - 1)
    out = Image.new("RGB", (width, TILE + CAPTION + 20), "white")
    x = 0
    for p in panels:
        out.paste(p, (x, 0))
        x += p.width + gap
    ImageDraw.Draw(out).text((4, TILE + CAPTION + 4), note, fill=(90, 90, 90), font=font)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("photo", type=Path)
    parser.add_argument("style_a", type=Path, help="the style inside the mask")
    parser.add_argument("style_b", type=Path, help="the style on the rest")
    parser.add_argument("--mask", type=Path, help="white where STYLE_A goes (default: a disc in the middle)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "masks.jpg")
    parser.add_argument("--size", type=int, default=160, help="the result's longer side (default 160)")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--style-weight", type=float, default=1e6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        photo = load_image(args.photo, size=args.size).rgb
        mask = args.mask or disc_mask(folder / "mask.png", photo.size)
        config = gatys.GatysConfig(size=args.size, steps=args.steps, style_weight=args.style_weight, seed=args.seed)
        wall, cpu = time.perf_counter(), time.process_time()
        record = gatys.run_files(
            args.photo, [args.style_a, args.style_b], folder / "result.png", config, masks=[mask, None]
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        result = Image.open(folder / "result.png").convert("RGB")
        mask_image = Image.open(mask).convert("L").resize(photo.size)

    font = ImageFont.load_default()
    weights = "random VGG19 weights (no trained ones here)" if record.random_weights else f"VGG19: {record.weights}"
    picture = strip(
        [
            panel(photo, "photo", font),
            panel(Image.open(args.style_a), f"A: {args.style_a.stem}", font),
            panel(Image.open(args.style_b), f"B: {args.style_b.stem}", font),
            panel(mask_image, "mask: A in white, B on the rest", font),
            panel(result, "result", font),
        ],
        f"Gatys with guided Grams, {args.size} px, {args.steps} L-BFGS steps, {weights}",
        font,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    picture.save(args.output, quality=82, optimize=True)
    print(f"{args.output}: {picture.width}x{picture.height}, {args.output.stat().st_size // 1024} KB")
    print(f"gatys run: {wall:.1f} s wall, {cpu:.1f} s CPU, {record.device}, weights {record.weights}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
