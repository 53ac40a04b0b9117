"""Gatys step cost beside a bare VGG19 forward+backward and a naive loop; peak memory per configuration.

    python bench/gatys.py [--sizes 256 512] [--rounds 2]

Random VGG weights throughout: the cost of a step does not depend on the weights' values.
Timings: one child process per size runs our real `stylize` loop; between two of its steps the
progress callback times one step of each reference, so all variants share the same machine load.
The first (warm-up) round is dropped; medians are reported. Peak RSS: one fresh child process
per (size, variant), reading its own ru_maxrss after its first step (ours: two, the first one
computing the targets).

Variants
- ours: stylecore.gatys.stylize (L-BFGS), VGG cut after conv5_1, targets computed once.
- bare: torchvision's vgg19().features[:29] (to conv5_1), frozen, forward + backward to the input
  (`out.sum().backward()`); once in the default NCHW layout and once channels_last like ours.
- naive: as the source programs do: the full vgg19().features (non-inplace ReLUs so conv outputs
  survive), content and style features recomputed every step inside the graph, autograd Gram;
  "naive" leaves the parameters trainable (their gradients are computed every step, as in scripts
  that never freeze the network), "naive, frozen" freezes them.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stylecore.features import IMAGENET_MEAN, IMAGENET_STD, LAYER_NAMES, VGGFeatures  # noqa: E402
from stylecore.gatys import CONTENT_LAYER, STYLE_LAYERS, GatysConfig, stylize  # noqa: E402
from stylecore.losses import total_variation  # noqa: E402

CONV5_1 = LAYER_NAMES.index("conv5_1") + 1
VARIANTS = ("ours", "bare", "bare_cl", "naive", "naive_frozen")


def images(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    content = F.interpolate(
        torch.rand(1, 3, size // 8, size // 8, generator=generator), size=(size, size), mode="bilinear"
    )
    style = torch.rand(1, 3, size, size, generator=generator)
    return content.contiguous(), style


def vgg19_features() -> nn.Sequential:
    """torchvision's vgg19().features, imported here so the "ours" memory child never loads torchvision."""
    from torchvision.models.vgg import cfgs, make_layers

    return make_layers(cfgs["E"])


def bare_step(size: int, channels_last: bool) -> Callable[[], None]:
    net = vgg19_features()[:CONV5_1].eval().requires_grad_(False)
    x = torch.rand(1, 3, size, size)
    if channels_last:
        net, x = net.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    x.requires_grad_(True)

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


def ours(size: int, steps: int, between: Callable[[], None]) -> list[float]:
    content, style = images(size)
    vgg = VGGFeatures((*STYLE_LAYERS, CONTENT_LAYER), weights="random")
    times: list[float] = []
    last = [time.perf_counter()]

    def on_progress(_: object) -> bool:
        times.append(time.perf_counter() - last[0])
        between()
        last[0] = time.perf_counter()
        return False

    stylize(
        content, [style], GatysConfig(size=size, steps=steps, weights="random"), features=vgg, on_progress=on_progress
    )
    return times


def child_time(size: int, rounds: int) -> dict:
    references = {
        "bare": bare_step(size, channels_last=False),
        "bare_cl": bare_step(size, channels_last=True),
        "naive": naive_step(size, frozen=False),
        "naive_frozen": naive_step(size, frozen=True),
    }
    times: dict[str, list[float]] = {name: [] for name in references}

    def between() -> None:
        for name, step in references.items():
            started = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - started)

    times["ours"] = ours(size, rounds + 1, between)
    return {name: statistics.median(values[1:]) for name, values in times.items()}  # [0]: warm-up (and targets)


def child_rss(size: int, variant: str) -> dict:
    if variant == "ours":
        ours(size, 2, lambda: None)
    else:
        (bare_step(size, channels_last=False) if variant == "bare" else naive_step(size, frozen=False))()
    return {"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(*args: object) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--rounds", type=int, default=2, help="timed steps per variant after the warm-up")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, size, *rest = args.child
        result = child_time(int(size), args.rounds) if kind == "time" else child_rss(int(size), rest[0])
        print(json.dumps(result))
        return

    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU, random VGG19 weights, "
        f"rounds={args.rounds}\n"
    )
    print(
        "| size | ours s/step | bare fwd+bwd NCHW | bare channels_last | naive | naive, frozen "
        "| ours / bare NCHW | ours / bare c_last | naive / ours | naive frozen / ours "
        "| peak RSS ours | bare | naive |"
    )
    print("|" + "---|" * 13)
    for size in args.sizes:
        t = run_child("time", size, "--rounds", args.rounds)
        rss = {variant: run_child("rss", size, variant)["rss_mb"] for variant in ("ours", "bare", "naive")}
        print(
            f"| {size} | {t['ours']:.2f} | {t['bare']:.2f} | {t['bare_cl']:.2f} | {t['naive']:.2f} "
            f"| {t['naive_frozen']:.2f} | {t['ours'] / t['bare']:.2f}x | {t['ours'] / t['bare_cl']:.2f}x "
            f"| {t['naive'] / t['ours']:.2f}x | {t['naive_frozen'] / t['ours']:.2f}x "
            f"| {rss['ours']:.0f} MB | {rss['bare']:.0f} MB | {rss['naive']:.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
