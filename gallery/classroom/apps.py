from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "gallery.classroom"
    label = "classroom"
    verbose_name = "Classroom"
