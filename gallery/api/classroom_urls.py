"""/api/v1/classroom/...: the classroom app's endpoints (names keep the api: namespace)."""

from django.urls import path

from .views import classroom

urlpatterns = [
    path("courses/", classroom.CoursesApi.as_view(), name="classroom_courses"),
    path("courses/join/", classroom.CourseJoinApi.as_view(), name="classroom_join"),
    path("courses/<int:pk>/", classroom.CourseApi.as_view(), name="classroom_course"),
    path("courses/<int:pk>/grades/", classroom.CourseGradesApi.as_view(), name="classroom_grades"),
    path("courses/<int:pk>/assignments/", classroom.AssignmentsApi.as_view(), name="classroom_assignments"),
    path("assignments/<int:pk>/", classroom.AssignmentApi.as_view(), name="classroom_assignment"),
    path("assignments/<int:pk>/release/", classroom.GradesReleaseApi.as_view(), name="classroom_release"),
    path("assignments/<int:pk>/submissions/", classroom.SubmissionsApi.as_view(), name="classroom_submissions"),
    path("submissions/<int:pk>/", classroom.SubmissionApi.as_view(), name="classroom_submission"),
    path("submissions/<int:pk>/grade/", classroom.SubmissionGradeApi.as_view(), name="classroom_grade"),
    path(
        "submissions/<int:pk>/results/<str:token>/image/",
        classroom.SubmissionResultFileApi.as_view(),
        name="classroom_submission_result",
    ),
]
