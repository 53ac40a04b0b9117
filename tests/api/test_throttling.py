"""Too many requests from one user answer 429 with Retry-After; other users are not affected."""

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
