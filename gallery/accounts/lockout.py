"""Failed log-ins: django-axes' database handler with a limit of its own for a whole address.

Axes compares every lockout parameter with one limit (AXES_FAILURE_LIMIT). One username from one address
gets that limit; one address for any usernames gets the higher LOGIN_ADDRESS_FAILURE_LIMIT, so a few
students' typos behind one school address do not lock the whole class out.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginLockout(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures measured against AXES_FAILURE_LIMIT: the address's count is scaled by the ratio of the two
        limits, so it reaches AXES_FAILURE_LIMIT exactly when the address reaches LOGIN_ADDRESS_FAILURE_LIMIT."""
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)  # AXES_LOCKOUT_PARAMETERS' order
        )
        return max(account, address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT)
