from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "gallery.video"
    label = "video"
    verbose_name = "Video and webcam"

    def ready(self) -> None:
        from gallery.studio.algorithms import register

        from .algorithms import VIDEO
        from .recordings import sweep

        register(VIDEO)
        sweep()  # what a server killed mid-recording left
