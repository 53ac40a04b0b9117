"""Video stylization speed and flicker; prints markdown tables.

    .venv/bin/python bench/video.py [--frames 8] [--threads N] [--skip-standard] [--part speed|flicker]

Speed: frames per second of a whole job (PyAV decode + network + libx264 encode, one run) at
640x480 and 1280x720 with the Johnson light and standard networks, batched (4 frames per call)
beside frame by frame (batch 1), plus where the time goes: the same job with an identity
network (decode + convert + encode only) and the network alone. The light network also runs
on ONNX Runtime (the engine `johnson.run_files` uses on CPU), to show what the video path would
gain from it. The networks are randomly
initialised: speed does not depend on the weights. The clips are synthetic (tests.helpers.video.
synthetic_clip: a moving textured square and a 440 Hz sine track).

Flicker: the mean absolute change between consecutive output frames in static regions, with and
without --stable, on a noisy synthetic moving clip.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stylecore import johnson, video  # noqa: E402
from tests.helpers.video import synthetic_clip  # noqa: E402

SIZES = ((640, 480), (1280, 720))
BATCH = 4


def table_head(*columns: str) -> None:
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))


def job_fps(clip: Path, out: Path, fn: video.FrameStylizer, batch: int) -> float:
    record = video.stylize_video(clip, out, fn, video.VideoConfig(batch=batch))
    return record.steps_done / record.seconds


def network_ms(net: video.FrameStylizer, size: tuple[int, int], batch: int, repeats: int = 1) -> float:
    x = torch.rand(batch, 3, size[1], size[0])
    with torch.inference_mode():
        net(x)  # warm-up (allocator, oneDNN primitives)
        began = time.perf_counter()
        for _ in range(repeats):
            net(x)
    return (time.perf_counter() - began) / repeats / batch * 1000


def onnx_frames(net: johnson.TransformerNet) -> video.FrameStylizer:
    """The network on ONNX Runtime's CPU provider, with torch's thread count."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = onnxruntime.InferenceSession(johnson.onnx_bytes(net), options, providers=["CPUExecutionProvider"])
    return lambda x: torch.from_numpy(session.run(None, {"image": x.numpy()})[0]).clamp_(0, 1)


def speed(folder: Path, frames: int, variants: list[str]) -> None:
    table_head(
        "network",
        "size",
        "job fps, batch 4",
        "job fps, frame by frame",
        "batched / unbatched",
        "network alone, ms/frame (batch 4)",
        "decode + encode alone, fps",
    )
    for width, height in SIZES:
        clip = synthetic_clip(folder / f"clip-{height}.mp4", frames=frames, size=(width, height), fps=24)
        io_fps = job_fps(clip, folder / "out.mp4", lambda x: x, BATCH)
        for variant in variants:
            torch.manual_seed(0)
            net = johnson.TransformerNet(variant=variant).eval()
            engines = {"": net, ", ONNX Runtime": onnx_frames(net)} if variant == "light" else {"": net}
            for engine, fn in engines.items():
                batched = job_fps(clip, folder / "out.mp4", fn, BATCH)
                single = job_fps(clip, folder / "out.mp4", fn, 1)
                ms = network_ms(fn, (width, height), BATCH)
                print(
                    f"| {variant} (random init){engine} | {width}x{height} | {batched:.2f} | {single:.2f} "
                    f"| {batched / single:.2f}x | {ms:.0f} | {io_fps:.0f} |",
                    flush=True,
                )


def sharpen(x: torch.Tensor) -> torch.Tensor:
    """A stand-in style that exaggerates fine detail (as trained style networks do), so the
    camera noise flickers; a randomly initialised Johnson net gives a nearly flat picture."""
    return (x + 4 * (x - F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))).clamp(0, 1)


def flicker(folder: Path) -> None:
    clip = synthetic_clip(folder / "noisy.mp4", frames=48, size=(320, 240), fps=24, noise=4.0)
    inputs = video.read_frames(clip)
    torch.manual_seed(0)
    stylizers = {
        "detail-amplifying stand-in": sharpen,
        "Johnson light (random init)": johnson.TransformerNet(variant="light").eval(),
    }
    table_head(
        "frame function",
        "flicker, plain",
        "flicker, --stable",
        "stable / plain",
        "same, measured on the decoded MP4",
        "fps plain",
        "fps --stable",
    )
    for name, fn in stylizers.items():
        rows = {}
        for stable in (False, True):
            out = folder / f"flicker-{stable}.mp4"
            record = video.stylize_video(clip, out, fn, video.VideoConfig(stable=stable))
            decoded = video.flicker(inputs, video.read_frames(out))
            rows[stable] = (record.final_losses["flicker"], decoded, record.final_losses["fps"])
        (plain, plain_mp4, plain_fps), (stable, stable_mp4, stable_fps) = rows[False], rows[True]
        print(
            f"| {name} | {plain:.3f} | {stable:.3f} | {stable / plain:.2f} | {plain_mp4:.3f} -> {stable_mp4:.3f} "
            f"| {plain_fps:.1f} | {stable_fps:.1f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8, help="frames per speed clip")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--skip-standard", action="store_true")
    parser.add_argument("--part", choices=("all", "speed", "flicker"), default="all")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, encoder {video.h264_encoder()}\n")
    with tempfile.TemporaryDirectory() as folder:
        if args.part in ("all", "speed"):
            speed(Path(folder), args.frames, ["light"] if args.skip_standard else ["light", "standard"])
            print()
        if args.part in ("all", "flicker"):
            flicker(Path(folder))


if __name__ == "__main__":
    main()
