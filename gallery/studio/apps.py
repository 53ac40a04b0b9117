from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "gallery.studio"
    label = "studio"
    verbose_name = "Studio"

    def ready(self) -> None:
        from gallery.core.files import delete_files_with_rows

        from .algorithms import DENOISE, GATYS, register
        from .models import Job

        register(GATYS, DENOISE)
        # Jobs go with their owner (or in the admin), never through a service: their preview (a
        # stopped job's picture so far) goes with them.
        delete_files_with_rows(Job, "preview")
