"""Courses, memberships, assignments, submissions and grades.

Reads go through selectors.py, writes through services.py, and permissions.py alone decides
who is a teacher or a student of a course.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from gallery.studio.models import Result, Upload

# No 0/O/1/I/L: codes are read aloud and copied from a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Course(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courses_owned")
    co_teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="courses_co_taught")
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", blank=True, related_name="courses_joined"
    )
    title = models.CharField(max_length=200)
    term = models.CharField(max_length=60, blank=True, help_text="For example “Spring 2027”.")
    description = models.TextField(blank=True)
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    join_enabled = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["archived", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.term})" if self.term else self.title

    def get_absolute_url(self) -> str:
        return reverse("classroom:course_detail", args=[self.pk])


class Membership(models.Model):
    """A student enrolled in a course (teachers are not members: they own or co-teach it)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student__username"]
        constraints = [models.UniqueConstraint(fields=["course", "student"], name="one_membership_per_student")]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}"


class Assignment(models.Model):
    class LatePolicy(models.TextChoices):
        ALLOWED = "allowed", "Late work accepted"
        NOT_ALLOWED = "not_allowed", "No late work"
        MARKED = "marked", "Late work accepted and marked late"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    # A key of gallery.studio.algorithms.REGISTRY, or "" for any algorithm.
    algorithm = models.CharField(max_length=40, blank=True)
    styles = models.ManyToManyField(Upload, blank=True, related_name="assignments")
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    late_policy = models.CharField(max_length=12, choices=LatePolicy.choices, default=LatePolicy.MARKED)
    max_points = models.PositiveIntegerField(default=10)
    published = models.BooleanField(default=False)
    grades_released = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("classroom:assignment_detail", args=[self.pk])


class Submission(models.Model):
    """One hand-in. Resubmitting adds a row: the history stays, the newest one counts."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    results = models.ManyToManyField(Result, related_name="submissions")
    statement = models.TextField(blank=True)
    is_late = models.BooleanField(default=False)  # only set when the late policy says to mark it
    shown_in_gallery = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["assignment", "student", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.student} → {self.assignment}"

    def get_absolute_url(self) -> str:
        return reverse("classroom:submission_detail", args=[self.pk])


class Grade(models.Model):
    """Points and feedback for one student on one assignment (whatever they resubmit)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="grades")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grades")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    feedback = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="grades_given"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="one_grade_per_student")]

    def __str__(self) -> str:
        return f"{self.student}: {self.points} on {self.assignment}"


class StyleCopy(models.Model):
    """A student's own copy of a style the teacher provided, so the job form can use it once
    (jobs only take their owner's uploads)."""

    source = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    copy = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "owner"], name="one_copy_per_style_and_student")]
