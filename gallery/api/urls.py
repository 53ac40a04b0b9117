"""/api/v1/... plus the OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/, offline)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import albums, auth, batches, compare, images, index, jobs, results, style_models, training, videos
from .views.base import NotFoundApi

app_name = "api"

v1 = [
    path("", index.IndexApi.as_view(), name="index"),
    path("auth/token/", auth.TokenApi.as_view(), name="token"),
    path("images/", images.ImagesApi.as_view(), name="images"),
    path("images/<int:pk>/", images.ImageApi.as_view(), name="image"),
    path("images/<int:pk>/file/", images.ImageFileApi.as_view(), name="image_file"),
    path("images/<int:pk>/thumbnail/", images.ImageThumbnailApi.as_view(), name="image_thumbnail"),
    path("jobs/", jobs.JobsApi.as_view(), name="jobs"),
    path("jobs/<int:pk>/", jobs.JobDetailApi.as_view(), name="job"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancelApi.as_view(), name="job_cancel"),
    path("jobs/<int:pk>/save-partial/", jobs.JobSavePartialApi.as_view(), name="job_save_partial"),
    path("jobs/<int:pk>/preview/", jobs.JobPreviewApi.as_view(), name="job_preview"),
    path("batches/", batches.BatchesApi.as_view(), name="batches"),
    path("batches/<int:pk>/", batches.BatchDetailApi.as_view(), name="batch"),
    path("batches/<int:pk>/cancel/", batches.BatchCancelApi.as_view(), name="batch_cancel"),
    path("batches/<int:pk>/download/", batches.BatchDownloadApi.as_view(), name="batch_download"),
    path("results/", results.ResultListApi.as_view(), name="results"),
    path("results/<str:token>/", results.ResultApi.as_view(), name="result"),
    path("results/<str:token>/strength/", results.ResultStrengthApi.as_view(), name="result_strength"),
    path("results/<str:token>/download/", results.ResultDownloadApi.as_view(), name="result_download"),
    path("results/<str:token>/thumbnail/", results.ResultThumbnailApi.as_view(), name="result_thumbnail"),
    path("albums/", albums.AlbumsApi.as_view(), name="albums"),
    path("albums/<str:token>/", albums.AlbumApi.as_view(), name="album"),
    path("albums/<str:token>/results/", albums.AlbumResultsApi.as_view(), name="album_results"),
    path(
        "albums/<str:token>/results/<str:result_token>/",
        albums.AlbumResultRemoveApi.as_view(),
        name="album_result",
    ),
    path("style-models/", style_models.StyleModelListApi.as_view(), name="style_models"),
    path("style-models/<str:slug>/", style_models.StyleModelDetailApi.as_view(), name="style_model"),
    path("style-models/<str:slug>/preview/", style_models.StyleModelPreviewApi.as_view(), name="style_model_preview"),
]
# What the video, compare and training pages do (issue #17's API parity).
v1 += [
    path("videos/", videos.VideosApi.as_view(), name="videos"),
    path("videos/<int:pk>/", videos.VideoApi.as_view(), name="video"),
    path("videos/<int:pk>/file/", videos.VideoFileApi.as_view(), name="video_file"),
    path("videos/<int:pk>/poster/", videos.VideoPosterApi.as_view(), name="video_poster"),
    path("videos/<int:pk>/jobs/", videos.VideoJobCreateApi.as_view(), name="video_jobs"),
    path("results/<str:token>/video/", videos.ResultVideoApi.as_view(), name="result_video"),
    path("compare/", compare.CompareApi.as_view(), name="compare_groups"),
    path("compare/<int:pk>/", compare.CompareDetailApi.as_view(), name="compare_group"),
    path("training-runs/", training.TrainingRunsApi.as_view(), name="training_runs"),
    path("training-runs/<int:pk>/", training.TrainingRunApi.as_view(), name="training_run"),
    path("training-runs/<int:pk>/cancel/", training.TrainingRunCancelApi.as_view(), name="training_run_cancel"),
    path("training-runs/<int:pk>/resume/", training.TrainingRunResumeApi.as_view(), name="training_run_resume"),
    path("training-runs/<int:pk>/preview/", training.TrainingRunPreviewApi.as_view(), name="training_run_preview"),
]
v1 += [path("classroom/", include("gallery.api.classroom_urls"))]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a JSON 404 too, not the site's HTML page.
    re_path(r"^", NotFoundApi.as_view()),
]
