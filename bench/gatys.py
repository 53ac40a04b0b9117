"""Gatys' peak memory and step cost beside a bare VGG19 forward+backward, through the API and the CLI.

    python bench/gatys.py [--baseline REV] [--sizes 256 512] [--rounds 3] [--naive]
                          [--cli-size 256] [--cli-steps 8] [--cli-pairs 3]

Random VGG weights throughout: the cost of a step does not depend on the weights' values.
--baseline REV: also run stylecore as it was at git revision REV (extracted to a temporary folder),
rows "before" beside "now", alternating, each with its own bare reference.

- Peak RSS: one fresh child process per (size, variant), since a process's peak only grows. Every
  child first imports the same modules (torch, torchvision's VGG builder, stylecore.gatys), so all
  start from the same baseline (printed), then runs its variant for `--rss-steps` steps (ours:
  the targets, then the steps) and reads its own ru_maxrss.
- Time per step: one child per size runs our real `stylize` loop, Adam then L-BFGS; between two of
  its steps the progress callback times one bare forward+backward (and the naive loops with
  --naive), so all share the same process and the machine's load. The first (warm-up) step of each
  is dropped; medians of the rest.
- CLI: `python -m stylecore gatys` with Adam at --cli-size, previews every 5 steps, run with 2 and
  2 + --cli-steps steps; its step is the difference of the two wall times over --cli-steps (start-up,
  loading, targets and saving cancel out; progress bar, loss bookkeeping and previews stay in).
  After each pair, a child times --cli-steps bare steps (median). --cli-pairs pairs, medians.

Variants
- adam, lbfgs: stylecore.gatys.stylize with that optimizer, VGG cut after conv5_1, targets once.
- bare: torchvision's vgg19().features[:29] (to conv5_1), frozen, default NCHW layout, forward +
  backward to the input (`out.sum().backward()`).
- naive (--naive): as the source programs do: the full vgg19().features (non-inplace ReLUs),
  content and style features recomputed every step inside the graph, autograd Gram; "naive" leaves
  the parameters trainable, "naive, frozen" freezes them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.vgg import cfgs, make_layers  # every child imports it: one baseline for all

ROOT = Path(__file__).resolve().parent.parent
TREE_ENV = "BENCH_STYLECORE_TREE"  # a child's stylecore: this checkout's, or the baseline's folder
sys.path.insert(0, os.environ.get(TREE_ENV) or str(ROOT))

from stylecore.features import IMAGENET_MEAN, IMAGENET_STD, LAYER_NAMES, VGGFeatures  # noqa: E402
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS, GatysConfig, stylize  # noqa: E402
from stylecore.images import save_image, tensor_to_image  # noqa: E402
from stylecore.losses import total_variation  # noqa: E402

CONV5_1 = LAYER_NAMES.index("conv5_1") + 1
OURS = ("adam", "lbfgs")


def images(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    content = F.interpolate(
        torch.rand(1, 3, size // 8, size // 8, generator=generator), size=(size, size), mode="bilinear"
    )
    style = torch.rand(1, 3, size, size, generator=generator)
    return content.contiguous(), style


def vgg19_features() -> nn.Sequential:
    return make_layers(cfgs["E"])


def bare_step(size: int) -> Callable[[], None]:
    net = vgg19_features()[:CONV5_1].eval().requires_grad_(False)
    x = torch.rand(1, 3, size, size).requires_grad_(True)

    def step() -> None:
        x.grad = None
        net(x).sum().backward()

    return step


def naive_step(size: int, frozen: bool) -> Callable[[], None]:
    net = nn.Sequential(*[nn.ReLU() if isinstance(m, nn.ReLU) else m for m in vgg19_features()]).eval()
    net.requires_grad_(not frozen)
    mean, std = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    content, style = images(size)
    x = content.clone().requires_grad_(True)
    wanted = {LAYER_NAMES.index(name): name for name in (*STYLE_LAYERS, CONTENT_LAYER)}

    def features(img: torch.Tensor) -> dict[str, torch.Tensor]:
        out, h = {}, (img - mean) / std
        for index, module in enumerate(net):  # the whole network, as the source programs run it
            h = module(h)
            if index in wanted:
                out[wanted[index]] = h
        return out

    def gram(f: torch.Tensor) -> torch.Tensor:
        b, c, hh, ww = f.shape
        f = f.view(b, c, hh * ww)
        return torch.bmm(f, f.transpose(1, 2)) / (c * hh * ww)

    def step() -> None:
        fx, fc, fs = features(x), features(content), features(style)
        loss = F.mse_loss(fx[CONTENT_LAYER], fc[CONTENT_LAYER])
        loss = loss + 1e6 * sum(F.mse_loss(gram(fx[name]), gram(fs[name])) for name in STYLE_LAYERS)
        loss = loss + 1e-2 * total_variation(x)
        net.zero_grad(set_to_none=True)
        x.grad = None
        loss.backward()

    return step


def ours(size: int, optimizer: str, steps: int, between: Callable[[], None]) -> list[float]:
    """Seconds of each of our steps (the first includes the targets); `between` runs between two steps."""
    content, style = images(size)
    vgg = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    config = GatysConfig(size=size, steps=steps, optimizer=optimizer, weights="random")
    times: list[float] = []
    last = [time.perf_counter()]

    def on_progress(_: object) -> bool:
        times.append(time.perf_counter() - last[0])
        between()
        last[0] = time.perf_counter()
        return False

    stylize(content, [style], config, features=vgg, on_progress=on_progress)
    return times


def child_time(size: int, rounds: int, naive: bool) -> dict:
    references = {"bare": bare_step(size)}
    if naive:
        references |= {"naive": naive_step(size, frozen=False), "naive_frozen": naive_step(size, frozen=True)}
    times: dict[str, list[float]] = {name: [] for name in references}

    def between() -> None:
        for name, step in references.items():
            started = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - started)

    for optimizer in OURS:
        times[optimizer] = ours(size, optimizer, rounds + 1, between)
    return {name: statistics.median(values[1:]) for name, values in times.items()}  # [0]: warm-up (and targets)


def child_rss(size: int, variant: str, steps: int) -> dict:
    baseline = current_rss_mb()
    if variant in OURS:
        ours(size, variant, steps, lambda: None)
    else:
        step = bare_step(size) if variant == "bare" else naive_step(size, frozen=False)
        for _ in range(steps):
            step()
    return {"baseline_mb": baseline, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_bare_steps(size: int, steps: int) -> dict:
    step = bare_step(size)
    step()  # warm-up
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return {"bare": statistics.median(times)}


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def run_child(tree: str, *args: object) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, TREE_ENV: tree},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli_seconds(tree: str, content: Path, style: Path, folder: Path, size: int, steps: int) -> float:
    env = {**os.environ, "STYLECORE_VGG_WEIGHTS": "random", "STYLECORE_DEVICE": "cpu"}
    command = [sys.executable, "-m", "stylecore", "gatys", content, style, "-o", folder / "out.png"]
    command += ["--size", size, "--steps", steps, "--optimizer", "adam", "--preview-every", 5]
    command += ["--preview-dir", folder / f"previews-{steps}"]
    started = time.perf_counter()
    subprocess.run(list(map(str, command)), cwd=tree, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def cli_table(trees: dict[str, str], size: int, steps: int, pairs: int = 3) -> None:
    """Each pair: every tree's short and long run, then the bare steps; all interleaved."""
    cli: dict[str, list[float]] = {name: [] for name in trees}
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content_tensor, style_tensor = images(size)
        content, style = folder / "content.png", folder / "style.png"
        save_image(tensor_to_image(content_tensor), content)
        save_image(tensor_to_image(style_tensor), style)
        for _ in range(pairs):
            for name, tree in trees.items():
                short = cli_seconds(tree, content, style, folder, size, 2)
                long = cli_seconds(tree, content, style, folder, size, 2 + steps)
                cli[name].append((long - short) / steps)
            bare.append(run_child(str(ROOT), "bare_steps", size, steps)["bare"])
    reference = statistics.median(bare)
    print(f"\nCLI, Adam, {size} px, previews every 5 steps, {steps} extra steps, {pairs} pairs, load {load()}\n")
    print("| stylecore | CLI s/step (start-up subtracted) | bare fwd+bwd s/step | CLI / bare | per pair |")
    print("|---|---|---|---|---|")
    for name, times in cli.items():
        step = statistics.median(times)
        per_pair = ", ".join(f"{c / b:.2f}x" for c, b in zip(times, bare, strict=True))
        print(f"| {name} | {step:.3f} | {reference:.3f} | {step / reference:.2f}x | {per_pair} |", flush=True)


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also run stylecore as at this git revision")
    parser.add_argument("--sizes", type=int, nargs="*", default=[256, 512], help="none: the CLI table only")
    parser.add_argument("--rounds", type=int, default=3, help="timed steps per variant after the warm-up")
    parser.add_argument("--rss-steps", type=int, default=3, help="steps each memory child runs")
    parser.add_argument("--cli-size", type=int, default=256, help="0: no CLI table")
    parser.add_argument("--cli-steps", type=int, default=8)
    parser.add_argument("--cli-pairs", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="also time the naive loops (slow)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, size, *rest = args.child
        if kind == "time":
            result = child_time(int(size), args.rounds, args.naive)
        elif kind == "rss":
            result = child_rss(int(size), rest[0], args.rss_steps)
        else:
            result = child_bare_steps(int(size), int(rest[0]))
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        trees = {"now": str(ROOT)}
        if args.baseline:
            archive = subprocess.run(["git", "archive", args.baseline, "stylecore"], cwd=ROOT, capture_output=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            trees = {f"before ({args.baseline})": tmp, **trees}
        tables(args, trees)


def tables(args: argparse.Namespace, trees: dict[str, str]) -> None:
    here = str(ROOT)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU, random VGG19 weights\n")
    print(f"Peak RSS, one fresh process each, {args.rss_steps} steps\n")
    print(
        "| size | stylecore | baseline (imports) | bare fwd+bwd | Adam | L-BFGS | Adam / bare | L-BFGS / bare | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        bare = run_child(here, "rss", size, "bare", "--rss-steps", args.rss_steps)
        for name, tree in trees.items():
            peak = {v: run_child(tree, "rss", size, v, "--rss-steps", args.rss_steps)["rss_mb"] for v in OURS}
            print(
                f"| {size} | {name} | {bare['baseline_mb']:.0f} MB | {bare['rss_mb']:.0f} MB | {peak['adam']:.0f} MB "
                f"| {peak['lbfgs']:.0f} MB | {peak['adam'] / bare['rss_mb']:.2f}x "
                f"| {peak['lbfgs'] / bare['rss_mb']:.2f}x | {load()} |",
                flush=True,
            )
    naive = " | naive | naive, frozen | naive / Adam | naive frozen / Adam" if args.naive else ""
    print(f"\nSeconds per step, same process, {args.rounds} rounds\n")
    print(f"| size | stylecore | bare fwd+bwd | Adam | L-BFGS | Adam / bare | L-BFGS / bare{naive} | load |")
    print("|---|---|---|---|---|---|---|" + "---|" * (4 if args.naive else 0) + "---|")
    for size in args.sizes:
        for name, tree in trees.items():
            t = run_child(tree, "time", size, "--rounds", args.rounds, *(["--naive"] if args.naive else []))
            extra = ""
            if args.naive:
                extra = (
                    f" | {t['naive']:.2f} | {t['naive_frozen']:.2f} | {t['naive'] / t['adam']:.2f}x "
                    f"| {t['naive_frozen'] / t['adam']:.2f}x"
                )
            print(
                f"| {size} | {name} | {t['bare']:.3f} | {t['adam']:.3f} | {t['lbfgs']:.3f} "
                f"| {t['adam'] / t['bare']:.2f}x | {t['lbfgs'] / t['bare']:.2f}x{extra} | {load()} |",
                flush=True,
            )
    if args.cli_size:
        cli_table(trees, args.cli_size, args.cli_steps, args.cli_pairs)


if __name__ == "__main__":
    main()
