"""A high rate (the per-user 20,000/hour) counts in each process and adds to the shared count once a batch (1% of
the rate), so most API requests neither read nor write the shared cache; a process then allows at most one batch
more than the others have counted, and alone it allows exactly the rate."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from gallery.api import throttles
from gallery.api.throttles import UserThrottle

pytestmark = pytest.mark.django_db  # the API tests clear the cache and the batches first

PERSON = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=4242))
HOUR = 3600.0
RATE, BATCH = 1000, 10  # the batch: 1% of the rate
KEY = f"throttle_user_4242:{1000}"  # this window's shared count


@pytest.fixture
def ask(settings, monkeypatch):  # noqa: ANN001, ANN201
    """ask(person=PERSON, rate=RATE): one request at 0:10 in a window, through a throttle of `rate` an hour."""

    def one(person: SimpleNamespace = PERSON, rate: int = RATE) -> bool:
        if settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get("user") != f"{rate}/hour":
            settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": f"{rate}/hour"}}
        throttle = UserThrottle()
        monkeypatch.setattr(throttle, "timer", lambda: 1000 * HOUR + 600)
        return throttle.allow_request(person, None)

    return one


def test_the_shared_count_is_added_to_once_a_batch(ask) -> None:  # noqa: ANN001
    assert all(ask() for _ in range(BATCH))
    assert cache.get(KEY) is None  # the first batch is still this process's own
    assert all(ask() for _ in range(2 * BATCH + 5))
    assert cache.get(KEY) == 3 * BATCH  # 35 allowed: three batches added, five not yet


def test_one_process_alone_allows_exactly_the_rate(ask) -> None:  # noqa: ANN001
    assert all(ask() for _ in range(RATE))
    assert ask() is False


def test_other_processes_counts_hold_a_process_to_one_batch_more(ask) -> None:  # noqa: ANN001
    assert ask() is True
    cache.set(KEY, RATE - 1, 2 * HOUR)  # other processes have counted all but one meanwhile
    allowed = 0
    while ask():
        allowed += 1
    assert 1 <= allowed <= BATCH  # what it allowed before its next reading of the shared count
    assert cache.get(KEY) >= RATE


def test_a_low_rate_counts_every_request_in_the_shared_count(ask) -> None:  # noqa: ANN001
    assert all(ask(rate=300) for _ in range(3))  # uploads' 300/hour: a batch of 3 would loosen it
    assert cache.get(KEY) == 3


def test_a_process_counts_a_bounded_number_of_clients_itself(ask, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(throttles, "MAX_BATCHED_KEYS", 1)
    assert ask() is True  # the first client's window is counted here, in a batch
    newcomer = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=7))
    assert ask(person=newcomer) is True
    assert cache.get("throttle_user_7:1000") == 1  # counted in the shared cache at once
    assert cache.get(KEY) is None
