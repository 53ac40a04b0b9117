"""How often one address may sign up, and one address or one e-mail may ask for a password reset.

DRF's sliding-window throttle (the API's), counted in the "throttles" cache: a database table, so every
web process shares the counts. Rates: settings.ACCOUNT_THROTTLE_RATES. Failed log-ins are django-axes'
(accounts/lockout.py).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class FormThrottle(SimpleRateThrottle):
    def __init__(self, scope: str, ident: str) -> None:
        self.scope = scope
        self.ident = hashlib.sha256(ident.strip().lower().encode()).hexdigest()  # any e-mail makes a safe key
        super().__init__()

    @property
    def cache(self) -> BaseCache:
        return caches["throttles"]

    def get_rate(self) -> str:
        return settings.ACCOUNT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def throttle_wait(request: HttpRequest, scope: str, ident: str) -> float | None:
    """Count one use of `scope` by `ident`; None while within the rate, else the seconds until the next is allowed."""
    throttle = FormThrottle(scope, ident)
    if throttle.allow_request(request, None):
        return None
    return throttle.wait() or throttle.duration  # wait() is None when the rate was lowered below the count
