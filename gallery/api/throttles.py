"""Per-user request rates; the scopes and their rates live in settings.REST_FRAMEWORK.

Rates are read on every request (not frozen at import as in DRF's classes), so the environment
and the tests can change them.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRates:
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


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
