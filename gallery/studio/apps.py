from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "gallery.studio"
    label = "studio"
    verbose_name = "Studio"
