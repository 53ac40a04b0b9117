"""Per-user request rates; the scopes and their rates live in settings.REST_FRAMEWORK.

Rates are read on every request (not frozen at import as in DRF's classes), so the environment
and the tests can change them. Anonymous requests count per address as core.http.client_ip finds it
(X-Forwarded-For only behind TRUSTED_PROXIES proxies; DRF's own reading trusts any client's).

Each rate counts in two fixed windows of its period (a sliding-window counter): the requests in the last period
are estimated as this window's count plus the previous window's, weighted by the share of it still inside the
last period (exact when requests come evenly). DRF's own throttle keeps every request's time for the whole period
(up to 20,000 for the per-user rate), read, unpickled and written back on every API request.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from gallery.core.http import client_ip


class _WindowCounts:
    """A rate counted as two numbers in the shared cache: this window's requests and the previous one's."""

    def allow_request(self, request: Request, view: object) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer() / self.duration  # in periods
        window = int(now)
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        self.counted, self.before = counts.get(current, 0), counts.get(previous, 0)
        self.gone = now - window  # the share of this window already past
        if self.before * (1 - self.gone) + self.counted >= self.num_requests:
            return False
        # Two periods: the next window still reads this one as its previous. Concurrent requests may both
        # write the same count (as with DRF's history): a rate may let a few more through, never fewer.
        self.cache.set(current, self.counted + 1, 2 * self.duration)
        return True

    def wait(self) -> float:
        """Seconds until the estimate falls below the rate again."""
        if self.counted < self.num_requests:  # when enough of the previous window has slid out
            share = 1 - (self.num_requests - self.counted) / self.before
            return max(share - self.gone, 0.0) * self.duration
        # after this window, when enough of it has slid out of the next one
        return (1 - self.gone + 1 - self.num_requests / self.counted) * self.duration


class _LiveRates(_WindowCounts):
    """Rates read on each request; addresses read as every other per-address limit reads them."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class UserThrottle(_LiveRates, UserRateThrottle):
    """Every API request: per user, or per address for anonymous ones."""

    scope = "user"


class ScopedUserThrottle(_LiveRates, UserRateThrottle):
    """A costlier operation's own budget (uploads, jobs), per user."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()


class LoginThrottle(_LiveRates, AnonRateThrottle):
    """Token requests, per address: password guessing is slow."""

    scope = "login"
