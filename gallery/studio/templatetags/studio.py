"""Names people use on pages, never ids or Python reprs: algorithm labels, option names and values."""

from __future__ import annotations

from typing import Any

from django import template

from gallery.studio import selectors
from gallery.studio.algorithms import REGISTRY
from stylecore.features import LAYER_NAMES
from stylecore.layers import format_layers

register = template.Library()


@register.filter
def algorithm_label(name: str) -> str:
    """'gatys' -> 'Gatys (optimisation)'; a record's 'video:johnson' -> 'Video · Johnson (fast style network)'."""
    outer, _, inner = (name or "").rpartition(":")
    label = REGISTRY[inner].label if inner in REGISTRY else inner
    return f"{outer.capitalize()} · {label}" if outer else label


@register.filter
def option_name(name: str) -> str:
    """'content_weight' -> 'Content weight'."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def option_value(value: Any) -> str:
    """A stored option or record value as text: numbers without float noise, yes/no, lists and
    mappings as plain phrases ('encode 0.56, swap 1.2'), and 'default' for an unset one."""
    if value is None or value == "":
        return "default"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict) and value and set(value) <= set(LAYER_NAMES):
        return format_layers(value)  # VGG19 layers as the job form writes them: "conv1_1:1, conv2_1:0.5"
    if isinstance(value, dict):
        return ", ".join(f"{option_name(key).lower()} {option_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(option_value(item) for item in value)
    return str(value)


@register.simple_tag
def site_health() -> dict[str, Any]:
    return selectors.site_health()
