"""Tokens: obtained with a username and password, revoked with DELETE."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_password_gets_a_token_that_authenticates(anon_api, owner) -> None:  # noqa: ANN001
    response = anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=owner).key == token

    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon_api.get("/api/v1/images/").status_code == 200


def test_asking_twice_gives_the_same_token(anon_api, owner) -> None:  # noqa: ANN001
    first = anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD}).json()
    second = anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD}).json()
    assert first["token"] == second["token"]


def test_a_wrong_password_is_a_400_without_a_token(anon_api, owner) -> None:  # noqa: ANN001
    response = anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": "wrong"})
    error = assert_error(response, 400, "invalid", "non_field_errors")
    assert "credentials" in error["message"].lower()
    assert not Token.objects.filter(user=owner).exists()


def test_missing_fields_are_named(anon_api) -> None:  # noqa: ANN001
    assert_error(anon_api.post("/api/v1/auth/token/", {}), 400, "invalid", "username", "password")


def test_a_revoked_token_no_longer_works(owner_api, owner) -> None:  # noqa: ANN001
    assert owner_api.get("/api/v1/jobs/").status_code == 200
    assert owner_api.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(user=owner).exists()
    assert_error(owner_api.get("/api/v1/jobs/"), 401, "authentication_failed")


def test_a_session_works_too(owner_client) -> None:  # noqa: ANN001
    response = owner_client.get("/api/v1/images/")
    assert response.status_code == 200 and response.json()["results"] == []
