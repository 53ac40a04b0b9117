"""JSON nested deeper than Python's parser follows is a 400 in the API's error shape, not a 500 HTML page;
nesting it can follow is judged as usual (a 400 naming the field)."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("path", ["/api/v1/jobs/", "/api/v1/albums/", "/api/v1/auth/token/"])
def test_json_nested_5000_deep_is_a_parse_error(owner_api, path: str) -> None:  # noqa: ANN001
    response = owner_api.post(path, nested(5000), content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert "nested too deeply" in error["message"]


def test_deep_but_parseable_options_are_refused_by_field(owner_api, upload_image) -> None:  # noqa: ANN001
    content = upload_image("content")["id"]
    body = f'{{"algorithm": "denoise", "content": {content}, "options": {{"steps": {nested(900)}}}}}'
    response = owner_api.post("/api/v1/jobs/", body, content_type="application/json")
    assert_error(response, 400, "invalid", "options.steps")
    assert not Job.objects.exists()
