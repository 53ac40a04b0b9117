"""A queued run's place in the queue (round, queued_at, requeued_at); runs already queued keep their order."""

import django.utils.timezone
from django.db import migrations, models


def queued_when_created(apps, schema_editor):
    Model = apps.get_model("stylemodels", "trainingrun")
    Model.objects.update(queued_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("stylemodels", "0004_model_style_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingrun",
            name="queue_round",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="trainingrun",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="trainingrun",
            name="requeued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(queued_when_created, migrations.RunPython.noop),
    ]
