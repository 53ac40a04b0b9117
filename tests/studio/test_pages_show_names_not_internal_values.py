"""Pages show the names people use: algorithm labels, option names, plain values; never ids or Python reprs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gallery.studio.models import Result
from gallery.studio.services import job_create

pytestmark = pytest.mark.django_db


def test_a_result_page_shows_labels_and_plain_values(owner, owner_client, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner)
    Result.objects.filter(pk=result.pk).update(
        algorithm="video:johnson",
        params={"seconds": {"encode": 0.56, "swap": 1.2}, "preserve_colors": False, "style_blend": [1.0, 0.5]},
    )
    page = owner_client.get(result.get_absolute_url()).content.decode()

    assert "Video · Johnson (fast style network)" in page
    assert "encode 0.56, swap 1.2" in page and "1, 0.5" in page and "Preserve colors" in page
    for internal in ("video:johnson", "{&#x27;", "[1.0", "False", "random random"):
        assert internal not in page


def test_a_one_style_algorithm_says_so_instead_of_between_1_and_1(owner, upload_factory) -> None:  # noqa: ANN001
    photo, style = upload_factory(owner), upload_factory(owner, kind="style")
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="chen", content=photo, styles=[(style, 1.0), (style, 1.0)])
    assert error.value.message_dict["styles"] == ["Chen style swap (any style, fast) takes exactly one style image."]
