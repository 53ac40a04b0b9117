"""Per-user request rates; the scopes and their rates live in settings.REST_FRAMEWORK.

Rates are read on every request (not frozen at import as in DRF's classes), so the environment
and the tests can change them. Anonymous requests count per address as core.http.client_ip finds it
(X-Forwarded-For only behind TRUSTED_PROXIES proxies; DRF's own reading trusts any client's).
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from gallery.core.http import client_ip


class _LiveRates:
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
