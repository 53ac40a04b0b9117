"""Who owns what: the ownership rule every app's services and selectors share."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

User = AbstractBaseUser | AnonymousUser


def is_owner(user: User, obj: object) -> bool:
    return bool(user.is_authenticated and getattr(obj, "owner_id", None) == user.pk)


def require_owner(user: User, obj: object) -> None:
    """Services call this before any change: only the owner may change or delete a thing."""
    if not is_owner(user, obj):
        raise PermissionDenied("Only the owner can change this.")
