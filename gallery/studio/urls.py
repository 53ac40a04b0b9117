from django.urls import path

from . import views

app_name = "studio"

urlpatterns = [
    path("", views.home, name="home"),
    path("studio/", views.dashboard, name="dashboard"),
    path("gallery/", views.public_gallery, name="gallery"),
    path("uploads/", views.upload_list, name="upload_list"),
    path("uploads/new/", views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/delete/", views.upload_delete, name="upload_delete"),
    path("uploads/<int:pk>/<str:variant>", views.upload_file, name="upload_file"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/new/estimate.json", views.job_estimate, name="job_estimate"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress.json", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/save/", views.job_save_partial, name="job_save_partial"),
    path("jobs/<int:pk>/preview.jpg", views.job_preview, name="job_preview"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress.json", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("batches/<int:pk>/results.zip", views.batch_download, name="batch_download"),
    path("results/", views.result_list, name="result_list"),
    path("results/<str:token>/", views.result_detail, name="result_detail"),
    path("results/<str:token>/edit/", views.result_edit, name="result_edit"),
    path("results/<str:token>/delete/", views.result_delete, name="result_delete"),
    path("results/<str:token>/strength/", views.result_restrength, name="result_restrength"),
    path("results/<str:token>/add-to-album/", views.album_add, name="album_add"),
    path("results/<str:token>/inputs/<int:upload_pk>/<str:variant>", views.result_input, name="result_input"),
    path("results/<str:token>/<str:variant>", views.result_file, name="result_file"),
    path("albums/", views.album_list, name="album_list"),
    path("albums/new/", views.album_create, name="album_create"),
    path("albums/<str:token>/", views.album_detail, name="album_detail"),
    path("albums/<str:token>/edit/", views.album_edit, name="album_edit"),
    path("albums/<str:token>/delete/", views.album_delete, name="album_delete"),
    path("albums/<str:token>/remove/", views.album_remove, name="album_remove"),
]
