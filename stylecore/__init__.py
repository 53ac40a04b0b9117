"""Neural style transfer in plain PyTorch: Gatys, Johnson, Chen style swap and ZS-N2N denoising.

Nothing in this package imports Django; the gallery's worker calls it with paths, plain
config dataclasses and a progress callback (see progress.py).
"""
