"""Template context every page gets."""

from __future__ import annotations

from django.http import HttpRequest

from stylecore.features import weights_are_random


def site(request: HttpRequest) -> dict[str, object]:
    # Read per request: the banner follows STYLECORE_VGG_WEIGHTS without a restart of the checks.
    return {"vgg_weights_random": weights_are_random()}
