from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gallery.api"
    label = "api"
    verbose_name = "REST API"
