from django.contrib import admin

from .models import Assignment, Course, Grade, Membership, Submission


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["student"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "term", "owner", "join_code", "join_enabled", "archived", "created_at"]
    list_filter = ["archived", "join_enabled", "term"]
    search_fields = ["title", "term", "owner__username", "join_code"]
    raw_id_fields = ["owner", "co_teachers"]
    inlines = [MembershipInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "opens_at",
        "due_at",
        "late_policy",
        "max_points",
        "published",
        "grades_released",
    ]
    list_filter = ["published", "grades_released", "late_policy"]
    search_fields = ["title", "course__title"]
    raw_id_fields = ["course", "styles"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "student", "submitted_at", "is_late", "shown_in_gallery"]
    list_filter = ["is_late", "shown_in_gallery"]
    search_fields = ["assignment__title", "student__username"]
    raw_id_fields = ["assignment", "student", "results"]
    list_select_related = ["assignment", "student"]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["assignment", "student", "points", "graded_by", "updated_at"]
    search_fields = ["assignment__title", "student__username"]
    raw_id_fields = ["assignment", "student", "graded_by"]
