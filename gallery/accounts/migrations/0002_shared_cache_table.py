"""The shared default cache's table (settings.CACHES["default"], where the API's rates count) when no Redis is
set: 0001's step again, which makes every database cache's missing table and leaves existing ones alone."""

from importlib import import_module

from django.db import migrations

first = import_module("gallery.accounts.migrations.0001_throttle_cache_table")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_throttle_cache_table")]
    operations = [migrations.RunPython(first.create_cache_tables, migrations.RunPython.noop)]
