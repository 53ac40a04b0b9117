from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Album, Batch, Job, JobStyle, Result, Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "kind", "format", "width", "height", "mode", "size_bytes", "created_at"]
    list_filter = ["kind", "format", "mode", "created_at"]
    search_fields = ["title", "owner__username", "owner__email"]
    readonly_fields = ["format", "width", "height", "mode", "frames", "size_bytes", "created_at"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "algorithm", "created_at"]
    list_filter = ["algorithm", "created_at"]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"


class JobStyleInline(admin.TabularInline):
    model = JobStyle
    extra = 0
    raw_id_fields = ["upload"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "algorithm", "state", "step", "total", "created_at", "started_at", "finished_at"]
    list_filter = ["state", "algorithm", "cancel_requested", "created_at"]
    search_fields = ["id", "owner__username", "message", "task_id"]
    raw_id_fields = ["content", "batch"]
    readonly_fields = ["created_at", "started_at", "finished_at", "heartbeat_at", "task_id"]
    list_select_related = ["owner"]
    inlines = [JobStyleInline]
    actions = ["cancel_jobs"]
    date_hierarchy = "created_at"

    @admin.action(description="Cancel the selected jobs", permissions=["change"])
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        for job in queryset:
            services.job_cancel(job=job, by=job.owner)
        messages.info(request, f"Asked {queryset.count()} job(s) to stop.")


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "algorithm", "visibility", "device", "seconds", "random_weights", "created_at"]
    list_filter = ["visibility", "algorithm", "random_weights", "stopped", "created_at"]
    search_fields = ["title", "owner__username", "share_token", "device", "weights_source"]
    raw_id_fields = ["job"]
    readonly_fields = ["share_token", "created_at"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "visibility", "result_count", "updated_at"]
    list_filter = ["visibility", "updated_at"]
    search_fields = ["title", "description", "owner__username", "share_token"]
    filter_horizontal = ["results"]
    readonly_fields = ["share_token", "created_at", "updated_at"]
    list_select_related = ["owner"]

    @admin.display(description="Results")
    def result_count(self, album: Album) -> int:
        return album.results.count()


@admin.register(JobStyle)
class JobStyleAdmin(admin.ModelAdmin):
    list_display = ["job", "upload", "weight", "position"]
    search_fields = ["job__id", "upload__title", "job__owner__username"]
    raw_id_fields = ["job", "upload"]
    list_select_related = ["job", "upload"]
