"""The stale-run sweep now covers every run type (jobs and training runs): point the schedule at it."""

from django.db import migrations

OLD, NEW = "gallery.studio.tasks.sweep_stale_jobs", "gallery.core.tasks.sweep_stale_runs"


def forwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=OLD).update(func=NEW, name="Fail runs whose worker died")


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=NEW).update(func=OLD, name="Fail jobs whose worker died")


class Migration(migrations.Migration):
    dependencies = [("studio", "0002_stale_job_sweep")]

    operations = [migrations.RunPython(forwards, backwards)]
