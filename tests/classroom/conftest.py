"""Classroom people and rows: a course with its teacher, a co-teacher and a student, plus a
second course whose student must see nothing of the first. `outsider` comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, client_for

ROLES = ["teacher", "co_teacher", "student", "other_student", "outsider", "anonymous"]


def person(django_user_model, username: str):  # noqa: ANN001, ANN202
    return django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)


@pytest.fixture
def teacher(django_user_model):  # noqa: ANN001, ANN201
    return person(django_user_model, "tess")


@pytest.fixture
def co_teacher(django_user_model):  # noqa: ANN001, ANN201
    return person(django_user_model, "colm")


@pytest.fixture
def student(django_user_model):  # noqa: ANN001, ANN201
    return person(django_user_model, "sami")


@pytest.fixture
def other_student(django_user_model):  # noqa: ANN001, ANN201
    """A student of another course."""
    return person(django_user_model, "otto")


@pytest.fixture
def course(teacher, co_teacher, student):  # noqa: ANN001, ANN201
    from gallery.classroom import services

    course = services.course_create(owner=teacher, title="Neural style", term="Spring 2027")
    services.co_teacher_add(course=course, by=teacher, username=co_teacher.username)
    services.course_join(user=student, code=course.join_code)
    return course


@pytest.fixture
def other_course(django_user_model, other_student):  # noqa: ANN001, ANN201
    from gallery.classroom import services

    course = services.course_create(owner=person(django_user_model, "tom"), title="Other class")
    services.course_join(user=other_student, code=course.join_code)
    return course


@pytest.fixture
def assignment_factory(course, teacher) -> Callable[..., object]:  # noqa: ANN001
    """Published assignments of `course`; `due_in` (a timedelta) may be negative: already due."""
    from gallery.classroom import services

    def make(*, due_in: timedelta = timedelta(days=7), late_policy: str = "marked", **extra):  # noqa: ANN003, ANN202
        now = timezone.now()
        fields = {
            "title": "Paint the quad",
            "instructions": "Use the provided style.",
            "opens_at": now + min(due_in, timedelta(0)) - timedelta(days=1),
            "due_at": now + due_in,
            "late_policy": late_policy,
            "max_points": 10,
            "published": True,
            **extra,
        }
        return services.assignment_create(course=course, by=teacher, **fields)

    return make


@pytest.fixture
def provided_style(teacher, upload_factory):  # noqa: ANN001, ANN201
    return upload_factory(teacher, kind="style", name="starry.png")


@pytest.fixture
def assignment(assignment_factory, provided_style):  # noqa: ANN001, ANN201
    return assignment_factory(styles=[provided_style])


@pytest.fixture
def student_result(student, result_factory):  # noqa: ANN001, ANN201
    """A private result of the student's (the teacher must still see it through a submission)."""
    return result_factory(student, title="My quad")


@pytest.fixture
def submission(assignment, student, student_result):  # noqa: ANN001, ANN201
    from gallery.classroom import services

    return services.submission_create(
        assignment=assignment, student=student, results=[student_result], statement="I tried"
    )


@pytest.fixture
def people(teacher, co_teacher, student, other_student, outsider, course, other_course) -> dict:  # noqa: ANN001
    return {
        "teacher": teacher,
        "co_teacher": co_teacher,
        "student": student,
        "other_student": other_student,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def client_as(people) -> Callable[[str], Client]:  # noqa: ANN001
    def make(role: str) -> Client:
        user = people[role]
        return Client() if user is None else client_for(user)

    return make
