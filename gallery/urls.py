from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Style Gallery administration"
admin.site.site_title = "Style Gallery admin"
admin.site.index_title = "Style Gallery"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("gallery.api.urls")),
    path("accounts/", include("gallery.accounts.urls")),
    path("classroom/", include("gallery.classroom.urls")),
    path("", include("gallery.studio.urls")),
    path("", include("gallery.stylemodels.urls")),
    path("", include("gallery.video.urls")),
]
