"""Sign up, log in and out, change and reset a password with Django's own views, in our templates."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_up_logs_you_in_and_lands_in_the_studio(client: Client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "newbie", "email": "n@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("studio:dashboard")
    assert client.get(reverse("studio:dashboard")).status_code == 200
    assert User.objects.filter(username="newbie").exists()


def test_sign_up_refuses_mismatched_passwords_on_the_form(client: Client):
    response = client.post(
        reverse("accounts:signup"), {"username": "newbie", "password1": PASSWORD, "password2": "other-pass-1234"}
    )
    assert response.status_code == 400 and "didn’t match" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_log_in_returns_to_the_page_asked_for_and_log_out_ends_the_session(owner, client: Client):  # noqa: ANN001
    target = reverse("studio:result_list")
    response = client.post(
        f"{reverse('accounts:login')}?next={target}", {"username": "olivia", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target
    client.post(reverse("accounts:logout"))
    assert client.get(target).status_code == 302


def test_changing_the_password(owner, owner_client: Client):  # noqa: ANN001
    new = "another-long-password-7"
    response = owner_client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    owner.refresh_from_db()
    assert owner.check_password(new)


def test_resetting_a_forgotten_password_by_email(owner, client: Client):  # noqa: ANN001
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a-brand-new-password-9"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password(new)


@pytest.mark.parametrize(
    "name", ["accounts:login", "accounts:signup", "accounts:password_reset", "studio:home", "studio:gallery"]
)
def test_public_pages_open_for_anonymous_visitors(name: str, client: Client):
    assert client.get(reverse(name)).status_code == 200
