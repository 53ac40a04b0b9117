"""Temporal stability and the flicker measure for stylized video.

Optional temporal stability blends each stylized frame with the previous output warped by
optical flow (OpenCV DIS on the input frames) where the flow is reliable, after Ruder et al.,
"Artistic style transfer for videos" (2016): forward-backward consistency and photometric checks.
``FlickerMeter`` measures what is left: change between output frames where the input is static.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

FLOW_MAX_SIDE = 400  # flow is computed at most this size: smooth fields, ~1 ms per DIS call
STATIC_THRESHOLD = 0.02  # flicker measure: "static" where the blurred input changes less than this


def _gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)


class TemporalStabilizer:
    """Blend each stylized frame with the previous output warped along the backward optical flow.

    out = mask * (blend * warped_prev + (1 - blend) * cur) + (1 - mask) * cur, where mask marks
    pixels whose flow passes the forward-backward consistency check and whose warped input
    matches (so occlusions, cuts and flow failures keep the fresh stylized frame).
    """

    def __init__(self, blend: float = 0.5) -> None:
        self.blend = blend
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._prev_in: np.ndarray | None = None
        self._prev_out: np.ndarray | None = None
        self._grid: np.ndarray | None = None  # pixel coordinates, (2, H, W)

    def __call__(self, frame_in: np.ndarray, styled: np.ndarray) -> np.ndarray:
        """frame_in, styled: (H,W,3) uint8 RGB of the same size; returns the output frame."""
        out = styled
        if self._prev_in is not None and self.blend > 0:
            back, fwd = self._flows(self._prev_in, frame_in)
            height, width = back.shape[:2]
            if self._grid is None or self._grid.shape[1:] != (height, width):
                self._grid = np.mgrid[0:height, 0:width].astype(np.float32)
            map_x, map_y = self._grid[1] + back[..., 0], self._grid[0] + back[..., 1]

            def warp(img: np.ndarray) -> np.ndarray:
                return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

            fwd_at = warp(fwd)
            error = np.sum((back + fwd_at) ** 2, axis=-1)
            consistent = error <= 0.01 * (np.sum(back**2, axis=-1) + np.sum(fwd_at**2, axis=-1)) + 0.5
            photometric = np.abs(warp(self._prev_in).astype(np.int16) - frame_in).max(axis=-1) < 20
            inside = (map_x >= 0) & (map_x <= width - 1) & (map_y >= 0) & (map_y <= height - 1)
            mask = (consistent & photometric & inside).astype(np.float32)
            mask = cv2.GaussianBlur(mask, (5, 5), 0)[..., None] * self.blend  # soft seams
            prev = warp(self._prev_out).astype(np.float32)
            out = np.clip(styled + mask * (prev - styled) + 0.5, 0, 255).astype(np.uint8)
        self._prev_in, self._prev_out = frame_in, out
        return out

    def _flows(self, prev: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Backward (cur -> prev) and forward (prev -> cur) flow at full size, in pixels."""
        height, width = cur.shape[:2]
        scale = min(1.0, FLOW_MAX_SIDE / max(height, width))
        small = (max(8, round(width * scale)), max(8, round(height * scale)))
        a, b = (cv2.resize(_gray(x), small, interpolation=cv2.INTER_AREA) for x in (prev, cur))
        flows = []
        for src, dst in ((b, a), (a, b)):
            flow = self._dis.calc(src, dst, None)
            flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
            flow[..., 0] *= width / small[0]
            flow[..., 1] *= height / small[1]
            flows.append(flow)
        return flows[0], flows[1]


class FlickerMeter:
    """Mean absolute change (0..255) between consecutive output frames where the input is static."""

    def __init__(self, threshold: float = STATIC_THRESHOLD) -> None:
        self.threshold = threshold * 255
        self._prev: tuple[np.ndarray, np.ndarray] | None = None
        self._sum = 0.0
        self._count = 0

    def update(self, frame_in: np.ndarray, frame_out: np.ndarray) -> None:
        gray = cv2.GaussianBlur(_gray(frame_in), (5, 5), 0)
        if self._prev is not None:
            prev_gray, prev_out = self._prev
            # OpenCV on uint8 throughout: this runs on every frame of every job
            static = (cv2.absdiff(gray, prev_gray) < self.threshold).astype(np.uint8)
            count = cv2.countNonZero(static)
            if count:
                per_channel = cv2.mean(cv2.absdiff(frame_out, prev_out), mask=static)[:3]
                self._sum += sum(per_channel) / 3 * count
                self._count += count
        self._prev = (gray, frame_out)

    @property
    def value(self) -> float:
        """NaN until two frames with some static pixels were seen."""
        return self._sum / self._count if self._count else float("nan")


def flicker(
    inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray], *, threshold: float = STATIC_THRESHOLD
) -> float:
    """The flicker measure of a clip: input and output frames as (H,W,3) uint8 RGB, same sizes."""
    meter = FlickerMeter(threshold)
    for frame_in, frame_out in zip(inputs, outputs, strict=True):
        meter.update(frame_in, frame_out)
    return meter.value
