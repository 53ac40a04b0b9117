"""The API's rates count in a cache every web process shares (a database table here, Redis when REDIS_URL or
CACHE_URL is set), so N server processes do not each allow the whole rate."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings

from gallery.api.throttles import UserThrottle
from gallery.settings import shared_cache
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db  # the API tests clear the cache first

PERSON = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=4242))

# Another process counts three requests for the same person through the same throttle class.
OTHER_PROCESS = """
import django
from types import SimpleNamespace
django.setup()
from gallery.api.throttles import UserThrottle
person = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=4242))
print([UserThrottle().allow_request(person, None) for _ in range(3)])
"""


@pytest.mark.django_db(transaction=True)  # committed, so the other process sees the counts
def test_another_process_sees_and_adds_to_the_same_count(settings) -> None:  # noqa: ANN001
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "5/hour"}}
    assert [UserThrottle().allow_request(PERSON, None) for _ in range(2)] == [True, True]

    database = settings.DATABASES["default"]["NAME"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gallery.settings", "DATABASE_URL": f"sqlite:///{database}"}
    env["API_THROTTLE_USER"] = "5/hour"
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert other.stdout.strip() == "[True, True, True]", other.stderr

    assert UserThrottle().allow_request(PERSON, None) is False  # the rate is spent, whichever process counted it


def test_the_caches_are_shared_ones() -> None:
    assert {alias: conf["BACKEND"].rsplit(".", 1)[-1] for alias, conf in settings.CACHES.items()} == {
        "default": "DatabaseCache",
        "throttles": "DatabaseCache",
    }


def test_redis_is_used_when_a_url_is_set() -> None:
    conf = shared_cache("redis://cache:6379/1", "gallery_cache", "gallery")
    assert conf == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
        "KEY_PREFIX": "gallery",
    }
