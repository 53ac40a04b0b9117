"""Wrong passwords lock log-in (django-axes, counted in the database): per username on one address after
LOGIN_FAILURE_LIMIT, per address after LOGIN_ADDRESS_FAILURE_LIMIT; during the lock even the right password
is refused with a page that says when to try again, and after the cool-off it works. The address is the
connection's own: X-Forwarded-For counts only behind TRUSTED_PROXIES proxies.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **headers: str):  # noqa: ANN201
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(response) -> bool:  # noqa: ANN001
    return response.status_code == 302 and response["Location"] == reverse("studio:dashboard")


def assert_locked(response) -> None:  # noqa: ANN001
    page = response.content.decode()
    assert response.status_code == 429, page[-2000:]
    assert "Log-in paused" in page and "Try again in 15\xa0minutes." in page
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_thirty_wrong_passwords_then_the_right_one_is_refused(owner, client: Client) -> None:  # noqa: ANN001
    responses = [log_in(client, owner.username, f"guess-{n}") for n in range(30)]
    assert [r.status_code for r in responses[:4]] == [200] * 4  # the form again, "wrong password"
    assert_locked(responses[4])  # the fifth wrong one locks
    response = log_in(client, owner.username, PASSWORD)
    assert_locked(response)
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_username_on_that_address(owner, other_user) -> None:  # noqa: ANN001
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), owner.username, "wrong")
    assert_locked(log_in(Client(), owner.username, PASSWORD))
    assert logged_in(log_in(Client(), other_user.username, PASSWORD))  # someone else on the same network
    assert logged_in(log_in(Client(), owner.username, PASSWORD, address="10.0.0.2"))  # the owner elsewhere


def test_an_address_trying_many_usernames_is_locked_at_its_own_higher_limit(owner, settings) -> None:  # noqa: ANN001
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(11):
        assert log_in(Client(), f"nobody-{n}", "wrong").status_code == 200  # a class's typos, not yet a lock
    assert_locked(log_in(Client(), "nobody-11", "wrong"))
    assert_locked(log_in(Client(), owner.username, PASSWORD))  # no account logs in from there now
    assert logged_in(log_in(Client(), owner.username, PASSWORD, address="10.0.0.2"))


def test_after_the_cool_off_the_right_password_works(owner, client: Client) -> None:  # noqa: ANN001
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, owner.username, "wrong")
    assert_locked(log_in(client, owner.username, PASSWORD))

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14))
    response = log_in(client, owner.username, PASSWORD)  # a minute before the end: still locked
    assert response.status_code == 429 and "Try again in 1\xa0minute" in response.content.decode()

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=1))
    assert logged_in(log_in(client, owner.username, PASSWORD))


def test_a_new_x_forwarded_for_on_each_try_does_not_escape_the_lock(owner) -> None:  # noqa: ANN001
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), owner.username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_locked(log_in(Client(), owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_clients(owner, settings) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.254"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # the client wrote "1.1.1.1"; the proxy appended the address it saw
        log_in(Client(), owner.username, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert_locked(log_in(Client(), owner.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"))
    assert logged_in(log_in(Client(), owner.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_the_admin_log_in_is_locked_too(staff_user) -> None:  # noqa: ANN001
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/admin/login/", {"username": staff_user.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = Client().post(
        "/admin/login/", {"username": staff_user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
