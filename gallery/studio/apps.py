from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "gallery.studio"
    label = "studio"
    verbose_name = "Studio"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from gallery.core.files import delete_files_with_rows

        from .algorithms import DENOISE, GATYS, register
        from .gallery_cache import gallery_changed, refresh_on_change, result_pages_changed
        from .models import Job, Result, Upload

        register(GATYS, DENOISE)
        # Jobs go with their owner (or in the admin), never through a service: their preview (a
        # stopped job's picture so far) goes with them.
        delete_files_with_rows(Job, "preview")
        refresh_on_change(gallery_changed, Result, get_user_model())  # a card shows its result and its owner's name
        refresh_on_change(result_pages_changed, Result, get_user_model(), Upload)  # ... and its inputs' titles
