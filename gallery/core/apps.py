from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gallery.core"
    label = "core"
    verbose_name = "Site"
