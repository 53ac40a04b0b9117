"""Chen's style swap: time split, GFLOP/s against torch.mm of the same shape, old swap vs new, and how
closely the fast search (the default) matches the exact one. Prints markdown tables.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python -u bench/chen.py [--size 512] [--style-size 512]

The old swap (conv2d with the normalised patches per chunk of patches, then fold) is loaded from git
(``--baseline-rev``), so baseline and new run in the same process, interleaved, median of
``--repeats``. VGG19 and the decoder are randomly initialised: their speed does not depend on the
weights, but the features do, so the agreement figures are for random-VGG features of real photos,
and they compare swapped features: an untrained decoder paints nearly flat pictures, whose PSNR
would say nothing.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stylecore import chen  # noqa: E402
from stylecore.chen import swap as SWAP  # noqa: E402
from stylecore.features import VGGFeatures  # noqa: E402
from stylecore.images import image_to_tensor, load_image, tensor_to_image  # noqa: E402
from stylecore.modelfile import save_model  # noqa: E402

SHARED = Path("/work/shared/images")
CL = torch.channels_last
BASELINE_REV = "6ab61eb"  # the last commit with the conv2d swap


def old_swap_module(rev: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:stylecore/chen/swap.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType("old_swap")
    exec(compile(source.replace("from ..errors", "from stylecore.errors"), "old_swap.py", "exec"), module.__dict__)
    return module


def picture(name: str, size: int) -> torch.Tensor:
    path = SHARED / name
    if path.is_file():
        return image_to_tensor(load_image(path, size=size).rgb)
    return torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(len(name)))


def interleaved(rows: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per call over `repeats` rounds, rows interleaved so load hits all
    alike. CPU time leaves out the time other processes held the cores: with one thread it is
    what the call would take on a quiet core."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in rows}
    for _ in range(repeats):
        for name, fn in rows.items():
            times[name].append(_timed(fn))
    return {name: tuple(statistics.median(v[i] for v in values) for i in (0, 1)) for name, values in times.items()}


def mm_rate(rows: int, inner: int, columns: int) -> float:
    """GFLOP per CPU second of torch.mm (rows x inner) @ (inner x columns), best of 3."""
    a, b = torch.randn(rows, inner), torch.randn(inner, columns)
    a @ b
    best = min(_timed(lambda: a @ b)[1] for _ in range(3))
    return 2 * rows * inner * columns / best / 1e9


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def same(index: torch.Tensor, reference: torch.Tensor) -> str:
    return f"{(index == reference).float().mean().item():.2%}"


def psnr(ours: torch.Tensor, reference: torch.Tensor) -> float:
    mse = F.mse_loss(ours, reference).item()
    peak = reference.abs().max().item()
    return math.inf if mse == 0 else 10 * math.log10(peak * peak / mse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="content side in pixels (default 512)")
    parser.add_argument("--style-size", type=int, default=512, help="style side in pixels (default 512)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument("--baseline-rev", default=BASELINE_REV, help=f"git revision of the old swap ({BASELINE_REV})")
    parser.add_argument("--skip-baseline", action="store_true", help="leave out the old swap (slow at 512/512)")
    parser.add_argument("--dims", type=int, default=SWAP.FAST_DIMS, help="fast search: projection dimensions")
    parser.add_argument("--shortlist", type=int, default=SWAP.FAST_SHORTLIST, help="fast search: patches re-ranked")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    SWAP.FAST_DIMS, SWAP.FAST_SHORTLIST = args.dims, args.shortlist  # trying other settings than the defaults
    torch.set_grad_enabled(False)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f}")

    encoder, decoder = VGGFeatures((chen.LAYER,)).eval(), chen.InverseNet().eval()
    content_image, style_image = picture("amber.jpg", args.size), picture("mosaic.jpg", args.style_size)
    with torch.inference_mode():
        content = encoder(content_image)[chen.LAYER].contiguous()
        style = encoder(style_image)[chen.LAYER].contiguous()
    old = None if args.skip_baseline else old_swap_module(args.baseline_rev)
    encoder_cl = copy.deepcopy(encoder).to(memory_format=CL)
    decoder_cl = copy.deepcopy(decoder).to(memory_format=CL)

    # shapes and FLOP: every content position against every style patch, at stride 1
    patch = 3
    depth = content.shape[1] * patch * patch
    positions = (content.shape[-2] - patch + 1) * (content.shape[-1] - patch + 1)
    patches = (style.shape[-2] - patch + 1) * (style.shape[-1] - patch + 1)
    dims, shortlist = SWAP.FAST_DIMS, SWAP.FAST_SHORTLIST
    exact_gflop = 2 * positions * patches * depth / 1e9
    fast_gflop = 2 * (positions * depth * dims + patches * depth * dims + positions * patches * dims) / 1e9
    rerank_gflop = 2 * positions * shortlist * depth / 1e9
    block = max(1, min(positions, SWAP._SCORE_BUDGET // patches))
    print(
        f"\ncontent {content_image.shape[-1]}x{content_image.shape[-2]} px -> relu3_1 "
        f"{content.shape[-1]}x{content.shape[-2]}: {positions} positions; style {style_image.shape[-1]}x"
        f"{style_image.shape[-2]} px: {patches} patches of {depth} values (patch 3, stride 1)\n"
        f"exact swap: {exact_gflop:.0f} GFLOP; fast (projection to {dims}, shortlist {shortlist}): "
        f"{fast_gflop:.1f} GFLOP of GEMM + {rerank_gflop:.1f} GFLOP re-rank (gathered, memory-bound)\n"
    )

    def exact_swap() -> torch.Tensor:
        return chen.style_swap(content, style, search="exact")

    def fast_swap() -> torch.Tensor:
        return chen.style_swap(content, style, search="fast")

    rows: dict[str, Callable[[], object]] = {
        "encode content (VGG19 to relu3_1)": lambda: encoder(content_image),
        "encode style (VGG19 to relu3_1)": lambda: encoder(style_image),
        "style patches, exact (unfold, norms)": lambda: chen.encode_style(style, search="exact"),
        "style patches, fast (+ projection)": lambda: chen.encode_style(style, search="fast"),
        "swap, new exact (GEMM blocks)": exact_swap,
        "swap, new fast (default)": fast_swap,
        "decode (inverse network)": lambda: decoder(content),
        "encode content, channels_last": lambda: encoder_cl(content_image.contiguous(memory_format=CL)),
        "decode, channels_last": lambda: decoder_cl(content.contiguous(memory_format=CL)),
    }
    if old is not None:
        rows["swap, old (conv2d, baseline)"] = lambda: old.style_swap(content, style, patch=3, stride=1)
    with torch.inference_mode():
        times = interleaved(rows, args.repeats)
        exact_rate = mm_rate(block, depth, patches)
        fast_rate = mm_rate(block, dims, patches)

    print("| stage | wall s | CPU s |\n|---|---|---|")
    for name, (wall, cpu) in times.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    pipeline = ("encode content (VGG19 to relu3_1)", "encode style (VGG19 to relu3_1)")
    pipeline += ("style patches, fast (+ projection)", "swap, new fast (default)", "decode (inverse network)")
    cpu = sum(times[name][1] for name in pipeline)
    print(f"\ndefault pipeline (encode both, style patches, fast swap, decode): CPU {cpu:.2f} s")
    print(
        "\n| swap | GFLOP | wall s | CPU s | GFLOP per CPU s | torch.mm of the scoring shape, GFLOP per CPU s |"
        "\n|---|---|---|---|---|---|"
    )
    swaps = {"new exact": (times["swap, new exact (GEMM blocks)"], exact_gflop, exact_rate)}
    swaps["new fast"] = (times["swap, new fast (default)"], fast_gflop + rerank_gflop, fast_rate)
    if old is not None:
        swaps["old (conv2d)"] = (times["swap, old (conv2d, baseline)"], exact_gflop, exact_rate)
    for name, ((wall, cpu), gflop, rate) in swaps.items():
        print(f"| {name} | {gflop:.1f} | {wall:.2f} | {cpu:.2f} | {gflop / cpu:.1f} | {rate:.1f} |")
    print(
        f"\n(torch.mm shapes, one block of positions: {block}x{depth} @ {depth}x{patches} exact, "
        f"{block}x{dims} @ {dims}x{patches} fast)"
    )
    for name in [n for n in swaps if n != "new exact"]:
        wall, cpu = (swaps[name][0][i] / swaps["new exact"][0][i] for i in (0, 1))
        print(f"{name} / new exact: wall {wall:.2f}x, CPU {cpu:.2f}x")

    with torch.inference_mode():
        exact_index = SWAP.best_patches(content, chen.encode_style(style, search="exact"))
        fast_index = SWAP.best_patches(content, chen.encode_style(style, search="fast"))
        exact_features, fast_features = exact_swap(), fast_swap()
        lines = [
            "\n| fast vs exact | value |",
            "|---|---|",
            f"| positions choosing the same style patch | {same(fast_index, exact_index)} |",
            f"| PSNR of the swapped features (peak: exact's max) | {psnr(fast_features, exact_features):.1f} dB |",
            f"| norm(fast - exact) / norm(exact), swapped features | "
            f"{((fast_features - exact_features).norm() / exact_features.norm()).item():.2e} |",
        ]
        if old is not None:
            patches = F.unfold(style, 3)[0].t().reshape(-1, style.shape[1], 3, 3)
            normalised = patches / patches.flatten(1).norm(dim=1).clamp_min(1e-8).view(-1, 1, 1, 1)
            old_index = old._best_patches(content, normalised, 1).flatten()
            lines.append(f"| new exact vs old: positions choosing the same patch | {same(exact_index, old_index)} |")
    print("\n".join(lines))
    end_to_end(args)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


def end_to_end(args: argparse.Namespace) -> None:
    """chen.run_files (load, encode both, swap, decode, write the PNG with its record), as the CLI runs it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        meta = {"kind": "chen-decoder", "training": {"weights": "random", "steps_done": 0}}
        decoder = save_model(folder / "d.safetensors", chen.InverseNet().state_dict(), meta)
        content, style = folder / "content.png", folder / "style.png"
        for tensor, path in (
            (picture("amber.jpg", args.size), content),
            (picture("mosaic.jpg", args.style_size), style),
        ):
            tensor_to_image(tensor).save(path)
        runs = {
            search: lambda search=search: chen.run_files(
                content,
                style,
                folder / f"{search}.png",
                chen.ChenConfig(style_size=args.style_size, search=search),
                decoder=decoder,
            )
            for search in ("fast", "exact")
        }
        times = interleaved(runs, args.repeats)
    print(f"\n| end to end, chen.run_files, {args.size} px content, {args.style_size} px style | wall s | CPU s |")
    print("|---|---|---|")
    for search, (wall, cpu) in times.items():
        print(
            f"| search {search}{' (default)' if search == chen.ChenConfig().search else ''} | {wall:.2f} | {cpu:.2f} |"
        )


if __name__ == "__main__":
    main()
