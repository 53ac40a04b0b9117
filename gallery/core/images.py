"""Small Pillow helpers for the site's own files (thumbnails, previews); no tensor math here."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image

from stylecore.images import LoadedImage

# File extensions for the formats stylecore.images accepts; the server names files, so the
# extension comes from what Pillow decoded, never from the uploaded name.
FORMAT_EXTENSIONS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tif",
}


def flatten(loaded: LoadedImage, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """RGB with any transparency composited onto `background` (JPEG has no alpha)."""
    if loaded.alpha is None:
        return loaded.rgb
    canvas = Image.new("RGB", loaded.rgb.size, background)
    canvas.paste(loaded.rgb, mask=loaded.alpha)
    return canvas


def jpeg_file(img: Image.Image, *, max_side: int | None = None, quality: int = 85) -> ContentFile:
    """A JPEG (optionally shrunk so its longer side is at most `max_side`) as a nameless ContentFile."""
    if max_side is not None and max(img.size) > max_side:
        img = img.copy()
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return ContentFile(buffer.getvalue())
