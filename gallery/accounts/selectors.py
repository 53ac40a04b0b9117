"""Reads about accounts: when a locked-out address may log in again."""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.utils import timezone


def login_open_again_at(address: str) -> datetime:
    """The address's last failed log-in plus the cool-off: every lock-out there has lifted by then."""
    last = AccessAttempt.objects.filter(ip_address=address).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME
