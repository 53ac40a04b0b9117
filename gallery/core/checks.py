"""`manage.py check` (and every server start) warns about what the site cannot do yet, with the fix."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from stylecore.features import WEIGHTS_ENV, resolve_weights, weights_status


@register()
def vgg_weights_are_here(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if weights_status() != "missing":
        return []
    spec = resolve_weights()
    where = "torchvision's cache" if spec == "torchvision" else spec
    return [
        Warning(
            f"The VGG19 weights are not in {where}: Gatys and Chen are shown disabled until they are.",
            hint=f"Run ./.venv/bin/python manage.py fetch_models (or set {WEIGHTS_ENV}=random to try without them).",
            id="gallery.W001",
        )
    ]
