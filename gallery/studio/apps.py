from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "gallery.studio"
    label = "studio"
    verbose_name = "Studio"

    def ready(self) -> None:
        from .algorithms import DENOISE, GATYS, register

        register(GATYS, DENOISE)
