from django.apps import AppConfig


class StyleModelsConfig(AppConfig):
    name = "gallery.stylemodels"
    label = "stylemodels"
    verbose_name = "Style models"

    def ready(self) -> None:
        from gallery.studio.algorithms import register

        from .algorithms import CHEN, JOHNSON

        register(JOHNSON, CHEN)
