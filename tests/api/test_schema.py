"""The OpenAPI schema is valid, complete, and drf-spectacular raises no warnings building it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    """Every /api/v1/ route, as drf-spectacular writes it ("/api/v1/images/{id}/": pk is called id)."""
    import re

    routes = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}"))

    walk(get_resolver().url_patterns, "")
    return routes


def test_the_served_schema_is_valid_openapi_3_and_lists_every_endpoint(anon_api) -> None:  # noqa: ANN001
    response = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert api_routes() and set(schema["paths"]) == api_routes()
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_builds_without_warnings(tmp_path) -> None:  # noqa: ANN001
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/jobs/{id}/cancel/" in (tmp_path / "schema.yaml").read_text()


# The new areas' operations whose answer (and, True, request) the docs show with an example.
EXAMPLES = {
    ("/api/v1/jobs/", "post"): True,
    ("/api/v1/videos/", "post"): False,
    ("/api/v1/videos/{id}/", "get"): False,
    ("/api/v1/videos/{id}/jobs/", "post"): True,
    ("/api/v1/compare/", "post"): True,
    ("/api/v1/compare/{id}/", "get"): False,
    ("/api/v1/training-runs/", "post"): False,
    ("/api/v1/training-runs/{id}/", "get"): False,
    ("/api/v1/training-runs/{id}/resume/", "post"): True,
}


def has_examples(content: dict) -> bool:
    return any(media.get("examples") for media in content.values())


def test_the_video_compare_and_training_areas_are_documented_with_examples(anon_api) -> None:  # noqa: ANN001
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    tags = {tag for path in schema["paths"].values() for operation in path.values() for tag in operation["tags"]}
    assert {"videos", "compare", "training-runs"} <= tags
    for (path, method), with_request in EXAMPLES.items():
        operation = schema["paths"][path][method]
        answer = next(response for code, response in operation["responses"].items() if code.startswith("2"))
        assert has_examples(answer["content"]), (path, method)
        assert not with_request or has_examples(operation["requestBody"]["content"]), (path, method)
    index = anon_api.get("/api/v1/").json()["endpoints"]
    assert index["videos"].endswith("/api/v1/videos/") and index["compare"].endswith("/api/v1/compare/")
    assert index["training_runs"].endswith("/api/v1/training-runs/")
