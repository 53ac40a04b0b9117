"""Who may see and change what: the one place the site and the API ask.

Uploads and jobs are private to their owner. Results and albums are addressed by an
unguessable share token: private ones only their owner sees, unlisted ones anyone with the
link, public ones everyone (and they are listed in the public gallery).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import Album, Result, Visibility

User = AbstractBaseUser | AnonymousUser


def is_owner(user: User, obj: object) -> bool:
    return bool(user.is_authenticated and getattr(obj, "owner_id", None) == user.pk)


def can_view(user: User, obj: Result | Album) -> bool:
    return obj.visibility != Visibility.PRIVATE or is_owner(user, obj)


def can_change(user: User, obj: object) -> bool:
    return is_owner(user, obj)


def require_owner(user: User, obj: object) -> None:
    """Services call this before any change: only the owner may change or delete a thing."""
    if not can_change(user, obj):
        raise PermissionDenied("Only the owner can change this.")
