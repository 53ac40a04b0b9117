from django.urls import path

from . import views

app_name = "stylemodels"

urlpatterns = [
    path("style-models/<slug:slug>/<str:variant>.png", views.model_image, name="model_image"),
    path("compare/", views.compare_create, name="compare_create"),
    path("compare/<int:pk>/", views.compare_detail, name="compare_detail"),
]
