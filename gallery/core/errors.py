"""The one translator of service errors.

Services raise Django's ValidationError under canonical keys ("content", "styles.0.id",
"options.size", "__all__"). The API answers those keys as they are (gallery.api.errors); pages
put them on their forms with `show_errors`; services that call other services re-key with
`prefixed`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form


def messages_by_key(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {key: [messages]}, whether or not it was raised with keys."""
    return error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}


def prefixed(error: ValidationError, prefix: str, *, keep: Collection[str] = ()) -> dict[str, list[str]]:
    """Re-key an inner service's errors under `prefix` ("options." -> "options.size"); keys in
    `keep` stay as they are, and the inner non-field errors land on the prefix itself ("options")."""
    keyed: dict[str, list[str]] = {}
    for key, messages in messages_by_key(error).items():
        if key in keep:
            name = key
        elif key == NON_FIELD_ERRORS:
            name = prefix.rstrip(".-") or NON_FIELD_ERRORS
        else:
            name = f"{prefix}{key}"
        keyed.setdefault(name, []).extend(messages)
    return keyed


def show_errors(
    error: ValidationError,
    form: Form,
    *,
    prefixes: Mapping[str, Form] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Put a service's errors on a page's forms: a key under one of `prefixes` goes to that form
    ("options.size" -> the options form's `size`), `aliases` rename a key's first part to a field
    ("styles.0.id" -> "style_1"), and what names no field shows at the top of its form."""
    for key, messages in messages_by_key(error).items():
        target, field = form, key
        for prefix, other in (prefixes or {}).items():
            if key == prefix.rstrip(".") or key.startswith(prefix):
                target, field = other, key[len(prefix) :]
                break
        field = (aliases or {}).get(field.split(".")[0], field)
        for message in messages:
            target.add_error(field if field in target.fields else None, message)
