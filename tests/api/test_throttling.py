"""Too many requests from one user answer 429 with Retry-After; other users are not affected. An anonymous
client's address is the connection's own (X-Forwarded-For only behind TRUSTED_PROXIES proxies), and a
log-in lock-out (django-axes) answers token requests with 429 too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PASSWORD, image_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):  # noqa: ANN001, ANN201
    def set_rates(**rates: str) -> None:
        rest = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": {**rest["DEFAULT_THROTTLE_RATES"], **rates}}

    return set_rates


def test_a_user_over_the_rate_gets_429(owner_api, other_api, rates) -> None:  # noqa: ANN001
    rates(user="3/minute")
    assert [owner_api.get("/api/v1/jobs/").status_code for _ in range(3)] == [200, 200, 200]
    response = owner_api.get("/api/v1/jobs/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert other_api.get("/api/v1/jobs/").status_code == 200


def test_uploads_have_their_own_smaller_budget(owner_api, rates) -> None:  # noqa: ANN001
    rates(uploads="1/hour")

    def upload() -> int:
        file = SimpleUploadedFile("p.png", image_bytes(), content_type="image/png")
        return owner_api.post("/api/v1/images/", {"file": file, "kind": "content"}, format="multipart").status_code

    assert upload() == 201
    assert upload() == 429
    assert owner_api.get("/api/v1/images/").status_code == 200  # reading is not an upload


def test_password_guessing_is_throttled_per_address(anon_api, owner, rates) -> None:  # noqa: ANN001
    rates(login="2/minute")
    for _ in range(2):
        assert (
            anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": "guess"}).status_code == 400
        )
    response = anon_api.post("/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD})
    assert_error(response, 429, "throttled")


def guess(client, username: str, password: str = "guess", **headers: str):  # noqa: ANN001, ANN201
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, **headers)


def test_a_new_x_forwarded_for_on_each_request_is_still_one_address(anon_api, owner, rates) -> None:  # noqa: ANN001
    rates(login="2/minute")
    for n in range(2):
        assert guess(anon_api, owner.username, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 400
    assert_error(guess(anon_api, owner.username, HTTP_X_FORWARDED_FOR="198.51.100.7"), 429, "throttled")


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(anon_api, owner, rates, settings) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXIES = 1
    rates(login="2/minute")
    for _ in range(2):
        assert guess(anon_api, owner.username, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5").status_code == 400
    assert_error(guess(anon_api, owner.username, HTTP_X_FORWARDED_FOR="203.0.113.5"), 429, "throttled")
    assert guess(anon_api, owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_during_a_log_in_lock_out_the_right_password_gets_429(anon_api, owner, settings) -> None:  # noqa: ANN001
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert guess(anon_api, owner.username).status_code == 400
    error = assert_error(guess(anon_api, owner.username), 429, "throttled")  # the wrong password that locks
    assert "log-in is paused" in error["message"]
    response = guess(anon_api, owner.username, PASSWORD)
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()
