from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "gallery.studio"
    label = "studio"
    verbose_name = "Studio"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from gallery.core.files import delete_files_with_rows

        from .algorithms import DENOISE, GATYS, register
        from .gallery_cache import gallery_changed
        from .models import Job, Result

        register(GATYS, DENOISE)
        # Jobs go with their owner (or in the admin), never through a service: their preview (a
        # stopped job's picture so far) goes with them.
        delete_files_with_rows(Job, "preview")
        for model in (Result, get_user_model()):  # a card shows its result and its owner's name
            post_save.connect(gallery_changed, sender=model, dispatch_uid=f"gallery-{model._meta.label}-saved")
            post_delete.connect(gallery_changed, sender=model, dispatch_uid=f"gallery-{model._meta.label}-deleted")
