"""In a real browser: five wrong passwords on the log-in form, then the right one, and the page says log-in is
paused and when to try again. Screenshot: test-artifacts/login-paused.png."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_the_right_password_during_a_lock_out_shows_when_to_try_again(browser, live_server, owner) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    try:
        for password in ["wrong"] * settings.AXES_FAILURE_LIMIT + [PASSWORD]:
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Username").fill(owner.username)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "login-paused.png", full_page=True)
        assert page.get_by_role("heading", name="Log-in paused").is_visible()
        assert page.get_by_role("alert").inner_text().endswith("Try again in 15\xa0minutes.")
        page.goto(f"{live_server.url}/studio/")
        assert "/accounts/login/" in page.url  # not signed in
    finally:
        context.close()
