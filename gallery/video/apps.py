from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "gallery.video"
    label = "video"
    verbose_name = "Video and webcam"

    def ready(self) -> None:
        from gallery.studio.algorithms import register
        from gallery.studio.gallery_cache import refresh_on_change, result_pages_changed

        from .algorithms import VIDEO
        from .models import Video, VideoResult
        from .recordings import sweep

        register(VIDEO)
        refresh_on_change(result_pages_changed, Video, VideoResult)  # a video result's page shows them
        sweep()  # what a server killed mid-recording left
