from django.apps import AppConfig


class StyleModelsConfig(AppConfig):
    name = "gallery.stylemodels"
    label = "stylemodels"
    verbose_name = "Style models"

    def ready(self) -> None:
        # Johnson and Chen join the studio's algorithm registry (they pick StyleModels).
        from . import algorithms  # noqa: F401
