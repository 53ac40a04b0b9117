from django.urls import path

from . import views

app_name = "video"

urlpatterns = [
    path("videos/", views.video_list, name="video_list"),
    path("videos/new/", views.video_create, name="video_create"),
    path("videos/<int:pk>/", views.video_detail, name="video_detail"),
    path("videos/<int:pk>/delete/", views.video_delete, name="video_delete"),
    path("videos/<int:pk>/<str:variant>", views.video_file, name="video_file"),
    path("videos/results/<str:token>/<str:variant>", views.result_video, name="result_video"),
    path("webcam/", views.webcam, name="webcam"),
]
