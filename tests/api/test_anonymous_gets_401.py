"""Without a token (or a session) every endpoint answers 401 and says how to authenticate."""

from __future__ import annotations

import pytest

from .conftest import OBJECT_ENDPOINTS, assert_error, call

pytestmark = pytest.mark.django_db

COLLECTION_ENDPOINTS = [
    ("get", "/api/v1/images/", None),
    ("post", "/api/v1/images/", {"kind": "content"}),
    ("get", "/api/v1/jobs/", None),
    ("post", "/api/v1/jobs/", {"algorithm": "gatys", "content": "{upload}"}),
    ("get", "/api/v1/results/", None),
    ("get", "/api/v1/albums/", None),
    ("post", "/api/v1/albums/", {"title": "Anon"}),
    ("delete", "/api/v1/auth/token/", None),
]
ENDPOINTS = COLLECTION_ENDPOINTS + OBJECT_ENDPOINTS


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_it_answers_401_with_www_authenticate(anon_api, owned, method, path, body) -> None:  # noqa: ANN001
    response = call(anon_api, method, path, body, owned)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401_too(anon_api, owned) -> None:  # noqa: ANN001
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(anon_api.get("/api/v1/images/"), 401, "authentication_failed")


def test_an_unknown_api_path_is_a_json_404(owner_api) -> None:  # noqa: ANN001
    assert_error(owner_api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(owner_api.get("/api/v1/style-models/%0E/"), 404, "not_found")
    assert_error(owner_api.get(f"/api/v1/images/{2**70}/"), 404, "not_found")
