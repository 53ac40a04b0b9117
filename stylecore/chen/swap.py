"""Chen & Schmidt's style swap on feature maps, as matrix products.

Every content patch is replaced by the style patch with the highest normalised
cross-correlation, and overlapping patches are averaged. The style's patches are encoded once
(``encode_style``: rows of a matrix, their norms, and for the fast search a projection); each
block of content positions is then one GEMM against them (``swap_patches``), so the positions x patches
score matrix never exists whole. The averaging is ``fold`` of the chosen patches.

Two searches:

- ``exact``: scores against every normalised patch at full dimension (C * patch^2 = 2304 at
  relu3_1, patch 3): positions x patches x 2 x 2304 FLOP, 1.16 TFLOP for a 512 px content and a
  512 px style at stride 1, seconds to tens of seconds on a CPU.
- ``fast`` (the default): the patches are projected onto their first ``FAST_DIMS`` principal
  directions; that cheaper score shortlists ``FAST_SHORTLIST`` patches per position, which are
  then re-ranked exactly. The chosen patch differs from the exact one only where the true best
  falls outside the shortlist (bench/chen.py measures how often, and the PSNR against exact).
  With fewer than ``FAST_MIN_PATCHES`` style patches (a style under ~190 px) it searches exactly.

bf16 is used for the scoring GEMM only where the device multiplies it natively (a GPU with bf16,
a CPU with AVX512-BF16 or AMX); elsewhere bf16 matmul is emulated and far slower than fp32.
The bf16 scores only shortlist: the final choice is always re-ranked in fp32.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from ..errors import ImageError

SEARCHES = ("fast", "exact")
FAST_DIMS = 128  # principal directions kept for the fast search's shortlist
FAST_SHORTLIST = 8  # patches re-ranked exactly per position by the fast search
FAST_MIN_PATCHES = 2048  # fewer style patches: the exact search is as fast (projection, top-k and re-rank cost too)
BF16_SHORTLIST = 4  # patches re-ranked in fp32 per position when the scores were bf16
_PCA_SAMPLE = 1024  # style patches the projection is estimated from
_RERANK_CHUNK = 64  # positions re-ranked at once
_SCORE_BUDGET = 1 << 24  # floats of scores held at once (64 MiB): the block of content positions


@functools.cache
def _cpu_has_bf16() -> bool:
    return torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()


def bf16_is_fast(device: torch.device) -> bool:
    """Whether this device multiplies bf16 natively (else its bf16 GEMM is emulated, slower than fp32)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return device.type == "cpu" and _cpu_has_bf16()


@dataclass
class StylePatches:
    """A style's patches, encoded once per job (or video) and swapped into any number of contents."""

    patch: int
    stride: int  # the step the style patches were taken at
    raw: Tensor  # (L, D): every patch, unnormalised, one per row (what the swap pastes)
    inverse_norms: Tensor  # (L,)
    keys: Tensor  # (d, L): what a content column is scored against (normalised, maybe projected, maybe bf16)
    projection: Tensor | None  # (D, d) for the fast search; None scores at full dimension

    @property
    def search(self) -> str:
        return "exact" if self.projection is None else "fast"


def encode_style(
    style: Tensor, *, patch: int = 3, stride: int = 1, search: str = "fast", bf16: bool | None = None
) -> StylePatches:
    """Style features (1, C, h, w) -> their patches at this stride, ready for ``swap_patches``.

    ``bf16``: score in bf16 (shortlist, then fp32 re-rank); None: where the device is fast at it.
    """
    if search not in SEARCHES:
        raise ValueError(f"search must be one of {SEARCHES}, not {search!r}")
    if min(style.shape[-2:]) < patch:
        raise ImageError("An image is too small for this patch size.")
    raw = F.unfold(style, patch, stride=stride)[0].t().contiguous()  # (L, C*k*k)
    inverse_norms = raw.norm(dim=1).clamp_min(1e-8).reciprocal()
    projection = None
    if search == "fast" and raw.shape[0] >= FAST_MIN_PATCHES and raw.shape[1] > FAST_DIMS:
        projection = _principal_directions(raw, inverse_norms, FAST_DIMS)
        keys = ((raw @ projection) * inverse_norms[:, None]).t().contiguous()
    else:
        keys = (raw * inverse_norms[:, None]).t().contiguous()
    if bf16 if bf16 is not None else bf16_is_fast(style.device):
        keys = keys.bfloat16()
    return StylePatches(patch, stride, raw, inverse_norms, keys, projection)


def _principal_directions(rows: Tensor, inverse_norms: Tensor, dims: int) -> Tensor:
    """(D, dims): an orthonormal basis of the normalised rows' leading principal subspace (uncentred).

    Subspace iteration on an even sample of the rows, from a fixed random start: GEMMs and a
    dims x dims Cholesky only (LAPACK's eigh of the sample's 1024 x 1024 Gram took 5-13 s on the
    shared CPU). Only the subspace matters: the shortlist scores c P P^T n do not depend on
    which basis of it P is.
    """
    picked = torch.linspace(0, rows.shape[0] - 1, min(rows.shape[0], _PCA_SAMPLE), device=rows.device).long()
    sample = rows[picked] * inverse_norms[picked, None]
    generator = torch.Generator(device=rows.device).manual_seed(0)
    basis = torch.randn(rows.shape[1], dims, generator=generator, device=rows.device, dtype=rows.dtype)
    for _ in range(2):
        basis = _orthonormal(sample.t() @ (sample @ basis))
    return basis


def _orthonormal(columns: Tensor) -> Tensor:
    """Cholesky QR: the Q of columns (D, d), d small, in float64 so near-dependent columns survive."""
    wide = columns.double()
    gram = wide.t() @ wide
    gram += torch.eye(gram.shape[0], dtype=gram.dtype, device=gram.device) * (1e-12 * gram.trace())
    factor = torch.linalg.cholesky(gram)
    return torch.linalg.solve_triangular(factor.t(), wide, upper=True, left=False).to(columns.dtype)


def swap_patches(content: Tensor, style: StylePatches, *, stride: int = 1) -> Tensor:
    """Swapped features, same shape as ``content`` (1, C, H, W)."""
    patch = style.patch
    if min(content.shape[-2:]) < patch:
        raise ImageError("An image is too small for this patch size.")
    height, width = content.shape[-2:]
    # pad bottom/right so the patches tile the content exactly at this stride
    pad_h, pad_w = (-(height - patch)) % stride, (-(width - patch)) % stride
    padded = F.pad(content, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else content
    index = best_patches(padded, style, stride=stride)
    chosen = style.raw[index]  # (positions, C*k*k)
    size = padded.shape[-2:]
    summed = F.fold(chosen.t().contiguous().unsqueeze(0), size, patch, stride=stride)  # contiguous: fold 4x faster
    overlaps = F.fold(chosen.new_ones(1, patch * patch, index.shape[0]), size, patch, stride=stride)
    return (summed / overlaps)[..., :height, :width]


def best_patches(content: Tensor, style: StylePatches, *, stride: int = 1) -> Tensor:
    """Index of the best-correlated style patch at each patch position, row-major: (positions,) long.

    Blocks of whole position rows: unfold the block's content rows, one GEMM against the keys,
    then argmax (or shortlist + exact re-rank). The content patch's own norm is the same for
    every candidate, so it does not change the choice and is never computed.
    """
    patch = style.patch
    rows = (content.shape[-2] - patch) // stride + 1
    columns = (content.shape[-1] - patch) // stride + 1
    patches = style.raw.shape[0]
    block_rows = max(1, min(rows, _SCORE_BUDGET // max(1, columns * patches)))
    shortlist = FAST_SHORTLIST if style.projection is not None else BF16_SHORTLIST
    exact_argmax = style.projection is None and style.keys.dtype != torch.bfloat16
    found = []
    for first in range(0, rows, block_rows):
        last = min(rows, first + block_rows)
        block = content[..., first * stride : (last - 1) * stride + patch, :]
        # (positions in block, C*k*k), contiguous: the re-rank reads it row by row (a transposed view: 10x slower)
        cols = F.unfold(block, patch, stride=stride)[0].t().contiguous()
        queries = cols if style.projection is None else cols @ style.projection
        scores = queries.to(style.keys.dtype) @ style.keys  # (positions in block, L)
        if exact_argmax:
            found.append(scores.argmax(dim=1))
            continue
        found.append(_rerank(cols, scores.topk(min(shortlist, patches), dim=1).indices, style))
    return torch.cat(found)


def _rerank(cols: Tensor, candidates: Tensor, style: StylePatches) -> Tensor:
    """The exactly best of each position's candidates (B, k): fp32 dot products at full dimension.

    In chunks of _RERANK_CHUNK positions through one reused buffer, so the gathered candidate
    patches stay in cache and nothing is allocated per chunk (fresh ~10 MB temporaries per chunk
    cost 2x; all at once, B x k x 9 KiB ~ 100 MB a block, more; a bmm per chunk 2.5x).
    """
    count, shortlist = candidates.shape
    exact = torch.empty(candidates.shape, dtype=cols.dtype, device=cols.device)
    buffer = torch.empty(min(count, _RERANK_CHUNK) * shortlist, cols.shape[1], dtype=cols.dtype, device=cols.device)
    for first in range(0, count, _RERANK_CHUNK):
        chunk = candidates[first : first + _RERANK_CHUNK]
        gathered = buffer[: chunk.numel()]
        torch.index_select(style.raw, 0, chunk.flatten(), out=gathered)
        products = gathered.view(chunk.shape[0], shortlist, -1).mul_(cols[first : first + _RERANK_CHUNK, None])
        torch.sum(products, dim=-1, out=exact[first : first + _RERANK_CHUNK])
    exact *= style.inverse_norms[candidates]
    return candidates.gather(1, exact.argmax(dim=1, keepdim=True)).squeeze(1)


def style_swap(
    content: Tensor, style: Tensor, *, patch: int = 3, stride: int = 1, search: str = "exact", bf16: bool = False
) -> Tensor:
    """One swap from two feature maps (1, C, H, W) and (1, C, h, w); patches at ``stride`` in both."""
    return swap_patches(
        content, encode_style(style, patch=patch, stride=stride, search=search, bf16=bf16), stride=stride
    )
