from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gallery.core"
    label = "core"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import checks  # noqa: F401  registers the site's system checks
