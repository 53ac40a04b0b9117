"""Sessions are read from the shared cache with the database behind it: a session works in any web process and
after its cache entry is gone, and logging out ends it everywhere, also for a copy of its cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRIVATE = "studio:result_list"  # a page only a signed-in person sees


def copy_of(client: Client) -> Client:
    """Another browser (or a thief) holding the same session cookie."""
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return copy


def test_a_session_is_cached_and_kept_in_the_database(owner_client: Client) -> None:
    key = owner_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    assert owner_client.get(reverse(PRIVATE)).status_code == 200
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    cache.clear()  # culled, or a cache emptied: the database still has it
    assert copy_of(owner_client).get(reverse(PRIVATE)).status_code == 200


def test_log_out_ends_the_session_for_every_copy_of_its_cookie(owner_client: Client) -> None:
    copy = copy_of(owner_client)
    assert copy.get(reverse(PRIVATE)).status_code == 200
    owner_client.post(reverse("accounts:logout"))
    assert copy.get(reverse(PRIVATE)).status_code == 302
    assert owner_client.get(reverse(PRIVATE)).status_code == 302
