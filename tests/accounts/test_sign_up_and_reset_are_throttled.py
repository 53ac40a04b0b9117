"""Sign-ups per address, password-reset requests per address and per e-mail: over the rate the form answers a
429 page saying when to try again, and nothing is made or sent. The counts live in a database cache table,
so every web process shares them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_rates(settings) -> None:  # noqa: ANN001
    caches["throttles"].clear()
    settings.ACCOUNT_THROTTLE_RATES = {"signup": "2/hour", "password_reset": "3/hour", "password_reset_email": "2/hour"}


def sign_up(username: str, address: str = "10.0.0.1", **headers: str):  # noqa: ANN201
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    return Client().post(reverse("accounts:signup"), data, REMOTE_ADDR=address, **headers)


def ask_reset(email: str, address: str = "10.0.0.1"):  # noqa: ANN201
    return Client().post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def assert_throttled(response, title: str) -> None:  # noqa: ANN001
    page = response.content.decode()
    assert response.status_code == 429, page[-2000:]
    assert title in page and "Try again in" in page and 0 < int(response["Retry-After"]) <= 3600


def test_sign_ups_from_one_address_are_limited() -> None:
    assert [sign_up(name).status_code for name in ("ann", "ben")] == [302, 302]
    assert_throttled(sign_up("cat"), "Too many sign-ups")
    assert not User.objects.filter(username="cat").exists()
    assert sign_up("cat", address="10.0.0.2").status_code == 302  # another network


def test_a_new_x_forwarded_for_does_not_reset_the_sign_up_count() -> None:
    for n, name in enumerate(("ann", "ben")):
        sign_up(name, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_throttled(sign_up("cat", HTTP_X_FORWARDED_FOR="203.0.113.9"), "Too many sign-ups")


def test_reset_requests_are_limited_per_e_mail_address(owner) -> None:  # noqa: ANN001
    for address in ("10.0.0.1", "10.0.0.2"):
        assert ask_reset(owner.email, address).status_code == 302
    assert_throttled(ask_reset(owner.email.upper(), "10.0.0.3"), "Too many reset requests")
    assert len(mail.outbox) == 2
    assert ask_reset("someone-else@example.com", "10.0.0.3").status_code == 302


def test_reset_requests_are_limited_per_address(owner) -> None:  # noqa: ANN001
    for n in range(3):
        assert ask_reset(f"nobody-{n}@example.com").status_code == 302
    assert_throttled(ask_reset(owner.email), "Too many reset requests")
    assert mail.outbox == []


def test_the_counts_are_in_the_database() -> None:
    sign_up("ann")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM gallery_throttles")
        assert cursor.fetchone()[0] == 1
