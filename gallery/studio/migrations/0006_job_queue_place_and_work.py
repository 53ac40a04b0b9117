"""A queued run's place in the queue (round, queued_at, requeued_at), and a job's estimated work.

Runs already queued keep their order: queued_at starts as created_at.
"""

import django.utils.timezone
from django.db import migrations, models


def queued_when_created(apps, schema_editor):
    Model = apps.get_model("studio", "job")
    Model.objects.update(queued_at=models.F("created_at"))


SWEEP = "gallery.core.tasks.sweep_stale_runs"


def name_the_sweep(apps, schema_editor):
    schedules = apps.get_model("django_q", "Schedule").objects.filter(func=SWEEP)
    schedules.update(name="Fail runs whose worker died, requeue runs whose task was lost")


class Migration(migrations.Migration):
    dependencies = [("studio", "0005_result_strength_layers")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="queue_round",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="job",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="job",
            name="requeued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="job",
            name="work",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(queued_when_created, migrations.RunPython.noop),
        migrations.RunPython(name_the_sweep, migrations.RunPython.noop),
    ]
