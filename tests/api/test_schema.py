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
