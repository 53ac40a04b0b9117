"""Johnson and Chen jobs take a tile size (stylecore.tiles): empty is automatic, 0 never, a bad
size is named under its field, as on the job page and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gallery.studio.algorithms import clean_options, get_algorithm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("algorithm", "kind", "option"), [("johnson", "johnson", "model"), ("chen", "chen", "decoder")]
)
def test_the_tile_size_reaches_the_config(style_model_factory, algorithm: str, kind: str, option: str) -> None:  # noqa: ANN001
    entry = get_algorithm(algorithm)
    chosen = {option: style_model_factory(kind).pk}
    assert entry.build_config(clean_options(entry, chosen, [1.0]), [1.0]).config.tile is None
    cleaned = clean_options(entry, {**chosen, "tile": 512}, [1.0])
    assert entry.build_config(cleaned, [1.0]).config.tile == 512
    with pytest.raises(ValidationError) as error:
        clean_options(entry, {**chosen, "tile": 100}, [1.0])
    assert "0 (never)" in error.value.message_dict["tile"][0]


def test_the_job_page_offers_it_in_plain_words(style_model_factory, owner_client) -> None:  # noqa: ANN001
    style_model_factory("johnson")
    page = owner_client.get("/jobs/new/").content.decode()
    assert page.count("Tile size") == 2  # Johnson's and Chen's options
    assert "leave empty for automatic (tiles of 512 above 1536 pixels), 0 for never" in page
