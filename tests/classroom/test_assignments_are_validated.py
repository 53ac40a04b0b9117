from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery.classroom import services

pytestmark = pytest.mark.django_db


def _form(**extra: object) -> dict:
    now = timezone.localtime()
    return {
        "title": "Johnson week",
        "instructions": "",
        "algorithm": "",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "late_policy": "allowed",
        "max_points": "20",
        "published": "on",
        **extra,
    }


def test_a_co_teacher_creates_an_assignment_with_their_own_style(course, co_teacher, upload_factory, client) -> None:  # noqa: ANN001
    style = upload_factory(co_teacher, kind="style")
    client.force_login(co_teacher)
    response = client.post(reverse("classroom:assignment_create", args=[course.pk]), _form(styles=[style.pk]))
    assert response.status_code == 302
    assignment = course.assignments.get()
    assert (assignment.title, assignment.max_points, list(assignment.styles.all())) == ("Johnson week", 20, [style])


def test_a_due_date_before_the_opening_is_refused(course, teacher, client) -> None:  # noqa: ANN001
    now = timezone.localtime()
    client.force_login(teacher)
    response = client.post(
        reverse("classroom:assignment_create", args=[course.pk]),
        _form(due_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 400
    assert "must come after the opening date" in response.content.decode()
    assert not course.assignments.exists()


def test_someone_elses_style_cannot_be_provided(course, teacher, student, upload_factory) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    theirs = upload_factory(student, kind="style")
    now = timezone.now()
    with pytest.raises(ValidationError, match="your own uploads"):
        services.assignment_create(
            course=course, by=teacher, title="X", styles=[theirs], opens_at=now, due_at=now + timedelta(days=1)
        )


def test_editing_keeps_a_style_another_teacher_provided(assignment, provided_style, co_teacher, client) -> None:  # noqa: ANN001
    client.force_login(co_teacher)
    url = reverse("classroom:assignment_edit", args=[assignment.pk])
    response = client.post(url, _form(title="Renamed", styles=[provided_style.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.title == "Renamed"
    assert list(assignment.styles.all()) == [provided_style]


def test_an_archived_course_takes_no_new_assignments_or_work(
    course, teacher, assignment, student, result_factory
) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    services.course_set_archived(course=course, by=teacher, archived=True)
    now = timezone.now()
    with pytest.raises(ValidationError, match="archived"):
        services.assignment_create(course=course, by=teacher, title="X", opens_at=now, due_at=now + timedelta(days=1))
    with pytest.raises(ValidationError, match="archived"):
        services.submission_create(assignment=assignment, student=student, results=[result_factory(student)])
