"""A job stopped mid-run keeps its RunRecord until the owner saves its picture so far as a result."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("studio", "0003_sweep_every_run_type")]

    operations = [
        migrations.AddField(model_name="job", name="partial_record", field=models.JSONField(blank=True, null=True)),
    ]
