"""An algorithm's `strength` and `preserve_colors` options show beside the Stylize button (strength as a
slider), not under "More control", for any algorithm whose options form has them."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django import forms
from django.test import Client

from gallery.studio import algorithms

pytestmark = pytest.mark.django_db


class WithStrength(algorithms.GatysOptionsForm):
    strength = forms.FloatField(initial=1.0, label="Style strength")


def picker_and_more(page: str) -> tuple[str, str]:
    before, _, after = page.partition('<details class="card-pad more"')
    return before, after


def test_preserve_colors_sits_beside_stylize(owner, owner_client: Client, upload_factory) -> None:  # noqa: ANN001
    upload_factory(owner)
    picker, more = picker_and_more(owner_client.get("/jobs/new/").content.decode())
    assert 'name="gatys-preserve_colors"' in picker and 'name="gatys-preserve_colors"' not in more
    assert 'name="gatys-size"' in more  # the rest stays under "More control"


def test_a_strength_option_is_a_slider_beside_stylize(
    monkeypatch: pytest.MonkeyPatch,
    owner,
    owner_client: Client,
    upload_factory,  # noqa: ANN001
) -> None:
    entry = dataclasses.replace(algorithms.GATYS, options_form=WithStrength)
    monkeypatch.setitem(algorithms.REGISTRY, "gatys", entry)
    upload_factory(owner)
    picker, more = picker_and_more(owner_client.get("/jobs/new/").content.decode())
    slider = re.search(r'<input type="range" name="gatys-strength"[^>]*>', picker)
    assert slider and 'min="0"' in slider[0] and 'max="1"' in slider[0] and 'value="1.0"' in slider[0]
    assert "gatys-strength" not in more
