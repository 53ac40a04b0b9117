from django.urls import path

from . import views

app_name = "classroom"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("join/", views.course_join, name="course_join"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/code/", views.course_code, name="course_code"),
    path("<int:pk>/archive/", views.course_archive, name="course_archive"),
    path("<int:pk>/students/<int:user_pk>/remove/", views.student_remove, name="student_remove"),
    path("<int:pk>/co-teachers/", views.co_teacher_add, name="co_teacher_add"),
    path("<int:pk>/co-teachers/<int:user_pk>/remove/", views.co_teacher_remove, name="co_teacher_remove"),
    path("<int:pk>/grades.csv", views.grades_csv, name="grades_csv"),
    path("<int:pk>/gallery/", views.class_gallery, name="class_gallery"),
    path("<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/submit/", views.assignment_submit, name="assignment_submit"),
    path("assignments/<int:pk>/use-styles/", views.assignment_use_styles, name="assignment_use_styles"),
    path(
        "assignments/<int:pk>/styles/<int:upload_pk>/<str:variant>",
        views.provided_style_file,
        name="provided_style_file",
    ),
    path("assignments/<int:pk>/review/", views.review_grid, name="review_grid"),
    path("assignments/<int:pk>/release/", views.grades_release, name="grades_release"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/gallery/", views.submission_show, name="submission_show"),
    path(
        "submissions/<int:pk>/results/<str:token>/<str:variant>",
        views.submission_result_file,
        name="submission_result_file",
    ),
    path(
        "submissions/<int:pk>/results/<str:token>/inputs/<int:upload_pk>/<str:variant>",
        views.submission_result_input,
        name="submission_result_input",
    ),
]
