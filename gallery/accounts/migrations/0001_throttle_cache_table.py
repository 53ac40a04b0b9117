"""The database cache table the account forms' throttles count in (settings.CACHES["throttles"]).

Made by migrate, so no deployment can miss the separate `createcachetable` step; it leaves an existing
table alone.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:  # noqa: ANN001
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
