"""Synthetic video clips for the tests and bench/video.py: made with PyAV, anywhere, in milliseconds."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def synthetic_clip(
    path: str | Path,
    *,
    frames: int = 12,
    size: tuple[int, int] = (64, 48),
    fps: int | Fraction = 12,
    audio: str | None = "aac",
    noise: float = 0.0,
    rotation: int = 0,
    seed: int = 0,
) -> Path:
    """Write a clip PyAV can make anywhere: a textured square moving over a static textured
    background, optional sensor noise (std in 0..255) and a 440 Hz sine track (`audio` is the
    encoder: "aac", "libopus", "pcm_s16le" for MKV/MOV, or None). The container follows the
    suffix (H.264, or VP8 for .webm)."""
    path = Path(path)
    width, height = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    background = np.stack([128 + 60 * np.sin(xx / 5 + c) * np.cos(yy / 7 - c) for c in range(3)], axis=-1)
    side = max(4, min(width, height) // 3)
    square = 128 + 100 * np.sign(np.sin(np.add.outer(np.arange(side), np.arange(side)) / 2.0))[..., None] * [1, -1, 0.5]
    with av.open(str(path), "w") as out:
        codec, options = ("libvpx", {}) if path.suffix == ".webm" else ("libx264", {"crf": "18", "preset": "ultrafast"})
        stream = out.add_stream(codec, rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        sound = out.add_stream(audio, rate=48000, layout="mono") if audio else None
        for i in range(frames):
            img = background.copy()
            x = (2 * i) % max(1, width - side)
            y = (height - side) // 2
            img[y : y + side, x : x + side] = square
            if noise:
                img += rng.normal(0, noise, img.shape)
            frame = av.VideoFrame.from_ndarray(np.clip(img, 0, 255).astype(np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, 1 / Fraction(fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if sound is not None:
            rate, fmt = 48000, sound.codec_context.codec.audio_formats[0].name
            samples = int(rate * frames / Fraction(fps))
            wave = 0.3 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)
            for start in range(0, samples, 1024):
                chunk = wave[start : start + 1024][None]
                data = (chunk * 32767).astype(np.int16) if fmt.startswith("s16") else chunk.astype(np.float32)
                frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="mono")
                frame.sample_rate, frame.pts = rate, start
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
    return path
