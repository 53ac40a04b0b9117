"""Per-user request rates; the scopes and their rates live in settings.REST_FRAMEWORK.

Rates are read on every request (not frozen at import as in DRF's classes), so the environment
and the tests can change them. Anonymous requests count per address as core.http.client_ip finds it
(X-Forwarded-For only behind TRUSTED_PROXIES proxies; DRF's own reading trusts any client's).

Each rate counts in two fixed windows of its period (a sliding-window counter): the requests in the last period
are estimated as this window's count plus the previous window's, weighted by the share of it still inside the
last period (exact when requests come evenly). DRF's own throttle keeps every request's time for the whole period
(up to 20,000 for the per-user rate), read, unpickled and written back on every API request.

A high rate (BATCH_SHARE of it is MIN_BATCH or more: the per-user 20,000/hour) counts in each process and adds to
the shared count in batches of that size, so only one request in a batch reads and writes the shared cache. Bounded
error: each process may allow up to one batch beyond what the others have counted (2 processes, 20,000/hour: 400
more), and a batch not yet added when its window ends is not counted. Low rates (uploads, jobs, logins) count
exactly, and so does a new client while a process already holds MAX_BATCHED_KEYS windows (its memory stays bounded).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from gallery.core.http import client_ip

BATCH_SHARE = 0.01  # of a rate: the batch a process counts before adding to the shared count
MIN_BATCH = 10  # smaller batches save little and would loosen low rates such as uploads' 300/hour
MAX_BATCHED_KEYS = 10_000  # windows a process counts for itself at once, a few hundred bytes each


@dataclass
class _Batch:
    """This process's view of one window's count: the shared counts at its last reading plus its own since."""

    counted: int  # this window's, with the requests allowed here since the reading
    before: int  # the previous window's
    unsaved: int = 0  # requests allowed here, not yet added to the shared count
    ends: float = 0.0  # when the next window no longer reads this one (timer seconds)


_batches: dict[str, _Batch] = {}  # by window key: this process's, shared by its request threads
_batches_lock = threading.Lock()


def forget_batches() -> None:
    """Drop this process's unsaved counts (the tests, with the shared cache cleared)."""
    with _batches_lock:
        _batches.clear()


class _WindowCounts:
    """A rate counted as two numbers in the shared cache: this window's requests and the previous one's."""

    def allow_request(self, request: Request, view: object) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        timer = self.timer()
        now = timer / self.duration  # in periods
        window = int(now)
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        self.gone = now - window  # the share of this window already past
        batch = int(self.num_requests * BATCH_SHARE)
        if batch >= MIN_BATCH and (current in _batches or len(_batches) < MAX_BATCHED_KEYS):
            return self._allow_batched(current, previous, batch, (window + 1) * self.duration, timer)
        counts = self.cache.get_many([current, previous])
        self.counted, self.before = counts.get(current, 0), counts.get(previous, 0)
        if self._spent():
            return False
        # Two periods: the next window still reads this one as its previous. Concurrent requests may both
        # write the same count (as with DRF's history): a rate may let a few more through, never fewer.
        self.cache.set(current, self.counted + 1, 2 * self.duration)
        return True

    def _spent(self) -> bool:
        return self.before * (1 - self.gone) + self.counted >= self.num_requests

    def _allow_batched(self, current: str, previous: str, batch: int, ends: float, timer: float) -> bool:
        with _batches_lock:  # the shared cache is read under it too, once a batch: other threads wait that once
            counts = _batches.get(current)
            if counts is None or counts.unsaved >= batch:
                counts = _batches[current] = self._read_and_save(current, previous, counts, ends)
                for key in [key for key, other in _batches.items() if other.ends < timer]:
                    del _batches[key]  # windows that have ended
            self.counted, self.before = counts.counted, counts.before
            if self._spent():
                return False
            counts.counted += 1
            counts.unsaved += 1
            return True

    def _read_and_save(self, current: str, previous: str, counts: _Batch | None, ends: float) -> _Batch:
        """The shared counts, with this process's unsaved requests added to this window's."""
        shared = self.cache.get_many([current, previous])
        counted = shared.get(current, 0) + (counts.unsaved if counts else 0)
        if counts and counts.unsaved:
            self.cache.set(current, counted, 2 * self.duration)
        return _Batch(counted=counted, before=shared.get(previous, 0), ends=ends)

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
