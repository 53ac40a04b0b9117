"""A rate counts the requests of the last period, slid forward: two small counts in the shared cache (this
window's and the previous one's, weighted by how much of it the last period still covers), not every request's
time, so an API request reads and writes a few bytes whatever its rate."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gallery.api.throttles import UserThrottle

pytestmark = pytest.mark.django_db  # the API tests clear the cache first

PERSON = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=4242))
HOUR = 3600.0


@pytest.fixture
def at(settings, monkeypatch):  # noqa: ANN001, ANN201
    """Requests at given times (seconds), through a throttle of 4 an hour."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "4/hour"}}

    def ask(seconds: float) -> UserThrottle:
        throttle = UserThrottle()
        monkeypatch.setattr(throttle, "timer", lambda: 1000 * HOUR + seconds)
        throttle.allowed = throttle.allow_request(PERSON, None)
        return throttle

    return ask


def test_the_rate_is_spent_and_comes_back_a_period_later(at) -> None:  # noqa: ANN001
    assert [at(60 * minute).allowed for minute in range(4)] == [True] * 4
    refused = at(50 * 60)
    assert refused.allowed is False
    assert 0 < refused.wait() <= HOUR
    # The next window counts the first one at the share the last hour still covers: at 1:30 half of it (2),
    # at 1:33 0.45 of it (1.8), plus the 3 since.
    assert [at(HOUR + 60 * minute).allowed for minute in (30, 31, 32, 33)] == [True, True, True, False]
    assert at(2 * HOUR + 59 * 60).allowed is True  # two hours on, the first window counts no more


def test_a_burst_at_a_windows_end_is_still_one_rate(at) -> None:  # noqa: ANN001
    # A fixed window would allow 4 at 0:59 and 4 more at 1:01; the slid count allows one (4 x 59/60 < 4).
    assert [at(59 * 60).allowed for _ in range(4)] == [True] * 4
    assert [at(HOUR + 60).allowed for _ in range(4)] == [True, False, False, False]
    assert 0 < at(HOUR + 60).wait() <= HOUR


def test_refused_requests_do_not_count(at) -> None:  # noqa: ANN001
    for _ in range(4):
        at(0)
    assert [at(10).allowed for _ in range(5)] == [False] * 5
    assert at(HOUR + HOUR / 4 + 60).allowed is True  # the 4 count three quarters then: 3 < 4
