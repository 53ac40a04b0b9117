"""Who may see and change what: the one place the site and the API ask.

Uploads and jobs are private to their owner. Results and albums are addressed by an
unguessable share token: private ones only their owner sees, unlisted ones anyone with the
link, public ones everyone (and they are listed in the public gallery).
"""

from __future__ import annotations

from gallery.core.users import User, is_owner

from .models import Album, Result, Visibility


def can_view(user: User, obj: Result | Album) -> bool:
    return obj.visibility != Visibility.PRIVATE or is_owner(user, obj)
