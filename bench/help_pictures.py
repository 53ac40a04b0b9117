"""Draw the small help pictures the job page shows beside Gatys' and Chen's expert options.

    .venv/bin/python bench/help_pictures.py [--out static/img/help]

Run once; the pictures are committed. Each is a diagram drawn from the option's definition, not a
stylized result: this machine has only random VGG19 weights, whose results would not show what an
option does with trained ones. Pictures are 480x240 (shown at 240x120 CSS pixels), WebP, a few KB.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stylecore.chen.inference import ChenConfig  # noqa: E402
from stylecore.features import LAYER_NAMES  # noqa: E402
from stylecore.gatys import GatysConfig  # noqa: E402

DATA = ROOT / "stylecore" / "data"
W, H = 480, 240
INK, MUTED, ACCENT, SOFT, PAPER = "#1d1b2c", "#6b6880", "#5b4cf0", "#ecebff", "#ffffff"
GATYS_SIZE = 512  # the result size the layers picture measures receptive fields against (the default)
SEES = f"what one feature sees ({GATYS_SIZE} px)"


def font(size: int = 20) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), PAPER)
    return img, ImageDraw.Draw(img)


def sample(name: str, longer: int) -> Image.Image:
    """A sample picture (stylecore/data) with its longer side `longer` pixels."""
    img = Image.open(DATA / f"{name}.png").convert("RGB")
    scale = longer / max(img.size)
    return img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS)


def centred_text(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, size: int = 20, fill: str = INK) -> None:
    draw.text((x, y), text, fill=fill, font=font(size), anchor="ma")


def style_scale() -> Image.Image:
    """The style image at 0.5x, 1x and 2x the result's longer side, against the result's frame."""
    img, draw = canvas()
    frame = (120, 80)  # the result, the same in each panel
    for index, scale in enumerate((0.5, 1.0, 2.0)):
        cx, cy = 80 + index * 160, 110
        style = sample("coffee", round(max(frame) * scale))
        panel = Image.new("RGB", (150, 150), PAPER)
        panel.paste(style, ((150 - style.width) // 2, (150 - style.height) // 2))
        img.paste(panel, (cx - 75, cy - 75))
        left, top = cx - frame[0] // 2, cy - frame[1] // 2
        draw.rectangle((left, top, left + frame[0], top + frame[1]), outline=ACCENT, width=3)
        centred_text(draw, cx, 194, f"{scale:g}x", 26)
    centred_text(draw, W / 2, 4, "style image vs. the result's frame (blue)", 22, MUTED)
    return img


def pooling() -> Image.Image:
    """A 4x4 grid of responses pooled 2x2 by max and by average."""
    img, draw = canvas()
    grid = [[1, 3, 0, 2], [5, 2, 1, 1], [0, 1, 4, 8], [2, 1, 2, 2]]
    cell = 36

    def shade(value: float) -> str:
        level = round(255 - value / 8 * 170)
        return f"#{level:02x}{level:02x}ff"

    def draw_grid(values: list[list[float]], x: int, y: int) -> None:
        for row, line in enumerate(values):
            for col, value in enumerate(line):
                box = (x + col * cell, y + row * cell, x + (col + 1) * cell, y + (row + 1) * cell)
                draw.rectangle(box, fill=shade(value), outline=PAPER, width=2)
                label = f"{value:g}" if value == int(value) else f"{value:.1f}"
                draw.text((box[0] + cell / 2, box[1] + cell / 2), label, fill=INK, font=font(18), anchor="mm")

    draw_grid(grid, 20, 48)
    windows = [[[grid[r + i][c + j] for i in (0, 1) for j in (0, 1)] for c in (0, 2)] for r in (0, 2)]
    draw_grid([[max(w) for w in row] for row in windows], 260, 30)
    draw_grid([[sum(w) / 4 for w in row] for row in windows], 260, 134)
    for y in (66, 170):
        draw.line((180, 120, 250, y + 2), fill=MUTED, width=2)
    draw.text((338, 40), "max", fill=INK, font=font(24))
    draw.text((338, 68), "keeps the peak", fill=MUTED, font=font(19))
    draw.text((338, 144), "avg", fill=INK, font=font(24))
    draw.text((338, 172), "smoother", fill=MUTED, font=font(19))
    centred_text(draw, 92, 204, "2x2 windows", 20, MUTED)
    for x in (20 + 2 * cell,):
        draw.line((x, 48, x, 48 + 4 * cell), fill=INK, width=2)
        draw.line((20, 48 + 2 * cell, 20 + 4 * cell, 48 + 2 * cell), fill=INK, width=2)
    return img


def receptive_fields() -> dict[str, int]:
    """Each VGG19 layer's receptive field in input pixels (3x3 convs with padding, 2x2 pools)."""
    fields, size, jump = {}, 1, 1
    for name in LAYER_NAMES:
        if name.startswith("conv"):
            size += 2 * jump
        elif name.startswith("pool"):
            size += jump
            jump *= 2
        fields[name] = size
    return fields


def layers(marked: Iterable[str], title: str) -> Image.Image:
    """The photo with one receptive-field square per block's first conv (and conv4_2), and VGG19's
    blocks drawn as bars (height: the features' resolution, width: their channels); `marked` in colour."""
    img, draw = canvas()
    marked = set(marked)
    side = 190
    photo = sample("astronaut", side)
    img.paste(photo, (8, 40))
    fields = receptive_fields()
    shown = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv4_2", "conv5_1")
    cx, cy = 8 + side / 2, 40 + side / 2
    for name in shown:
        half = min(fields[name], GATYS_SIZE) * side / GATYS_SIZE / 2
        colour, width = (ACCENT, 3) if name in marked else ("#ffffff", 1)
        draw.rectangle((cx - half, cy - half, cx + half, cy + half), outline=colour, width=width)
    for block in range(1, 6):
        centre = 196 + 48 * block  # one column per block; labels alternate rows so they never touch
        height, width = 120 / 2 ** (block - 1) + 10, 10 + 4 * min(block, 4)
        top = 108 - height / 2
        names = [name for name in shown if name.startswith(f"conv{block}_")]
        colour = ACCENT if marked & set(names) else "#c9c5e6"
        draw.rectangle((centre - width / 2, top, centre + width / 2, top + height), fill=colour)
        for row, name in enumerate(names):
            draw.text((centre, 172 + (block + 1) % 2 * 22 + row * 22), name, fill=INK, font=font(19), anchor="ma")
    draw.text((8, 4), title, fill=MUTED, font=font(21))
    return img


def chen_patch() -> Image.Image:
    """The style image (at Chen's style size) cut into patches of 3 and of 5 feature pixels."""
    img, draw = canvas()
    config = ChenConfig()
    side = 200
    for index, patch in enumerate((config.patch, 5)):
        left, top = 20 + index * 240, 8
        style = sample("coffee", side)
        img.paste(style, (left, top))
        # relu3_1 is at 1/4 of the style image's pixels: a patch of p feature pixels spans 4p image pixels
        step = 4 * patch * side / config.style_size
        y = top
        while y < top + style.height:
            x = left
            while x < left + side:
                draw.rectangle((x, y, x + step, y + step), outline=PAPER, width=1)
                x += step
            y += step
        draw.rectangle((left + 2 * step, top + step, left + 3 * step, top + 2 * step), outline=ACCENT, width=4)
        centred_text(draw, left + side / 2, top + style.height + 6, f"patch {patch}", 24)
    centred_text(draw, W / 2, 208, f"style at {config.style_size} px; a square = a patch", 22, MUTED)
    return img


def chen_stride() -> Image.Image:
    """Neighbouring patches at stride 1 (overlapping) and stride 3 (side by side), zoomed in."""
    img, draw = canvas()
    patch, zoom = ChenConfig().patch, 14  # one feature pixel drawn as a 14 px square
    colours = (ACCENT, "#e0508a", "#1f9d8a")
    for index, stride in enumerate((1, 3)):
        left, top = 24 + index * 240, 40
        crop = sample("coffee", 256).crop((60, 80, 60 + 48, 80 + 32)).resize((12 * zoom, 8 * zoom))
        img.paste(crop, (left, top))
        for k, colour in enumerate(colours):
            x = left + (1 + k * stride) * zoom
            y = top + 2 * zoom + k * 3
            draw.rectangle((x, y, x + patch * zoom, y + patch * zoom), outline=colour, width=4)
        centred_text(draw, left + 6 * zoom, top + 8 * zoom + 8, f"stride {stride}", 24)
        note = "overlapping" if stride == 1 else "side by side: faster"
        centred_text(draw, left + 6 * zoom, top + 8 * zoom + 38, note, 21, MUTED)
    centred_text(draw, W / 2, 4, f"three neighbouring {patch}x{patch} patches", 22, MUTED)
    return img


PICTURES = {
    "style_scale": style_scale,
    "pooling": pooling,
    "content_layers": lambda: layers(GatysConfig().content_layers, f"{SEES}; content: blue"),
    "style_layers": lambda: layers(GatysConfig().style_layers, f"{SEES}; style: blue"),
    "chen_patch": chen_patch,
    "chen_stride": chen_stride,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "static" / "img" / "help")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        path = args.out / f"{name}.webp"
        draw().save(path, "WEBP", quality=70, method=6)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
