"""A django-q2 schedule that fails jobs whose worker died (moved to gallery.core.tasks.sweep_stale_runs by 0003)."""

from django.db import migrations

SWEEP = "gallery.studio.tasks.sweep_stale_jobs"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=SWEEP,
        defaults={"name": "Fail jobs whose worker died", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
