from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "gallery.video"
    label = "video"
    verbose_name = "Video and webcam"

    def ready(self) -> None:
        from . import algorithms  # noqa: F401  registers "video" in the studio's registry
