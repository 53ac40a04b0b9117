from django.urls import path

from .consumers import WebcamConsumer

websocket_urlpatterns = [path("ws/webcam/", WebcamConsumer.as_asgi())]
