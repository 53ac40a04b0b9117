from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("gallery.api.urls")),
    path("accounts/", include("gallery.accounts.urls")),
    path("classroom/", include("gallery.classroom.urls")),
    path("", include("gallery.studio.urls")),
    path("", include("gallery.stylemodels.urls")),
    path("", include("gallery.video.urls")),
]
