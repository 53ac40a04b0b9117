from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gallery.classroom import services
from gallery.classroom.permissions import is_student

pytestmark = pytest.mark.django_db


def test_a_good_code_enrols_the_student_even_typed_loosely(course, outsider) -> None:  # noqa: ANN001
    code = course.join_code
    loose = f" {code[:4].lower()}-{code[4:].lower()} "
    assert services.course_join(user=outsider, code=loose) == course
    assert is_student(outsider, course)


def test_joining_twice_changes_nothing(course, student) -> None:  # noqa: ANN001
    services.course_join(user=student, code=course.join_code)
    assert course.memberships.filter(student=student).count() == 1


def test_a_wrong_code_is_refused_on_the_page(course, outsider, client) -> None:  # noqa: ANN001
    client.force_login(outsider)
    response = client.post(reverse("classroom:course_join"), {"code": "WRONG234"})
    assert response.status_code == 400
    assert "No course has this code" in response.content.decode()
    assert not is_student(outsider, course)


def test_a_disabled_code_is_refused_until_turned_back_on(course, teacher, outsider) -> None:  # noqa: ANN001
    services.join_code_set_enabled(course=course, by=teacher, enabled=False)
    with pytest.raises(ValidationError, match="turned off"):
        services.course_join(user=outsider, code=course.join_code)
    assert not is_student(outsider, course)
    services.join_code_set_enabled(course=course, by=teacher, enabled=True)
    assert services.course_join(user=outsider, code=course.join_code) == course


def test_a_regenerated_code_replaces_the_old_one(course, co_teacher, outsider) -> None:  # noqa: ANN001
    old = course.join_code
    services.join_code_regenerate(course=course, by=co_teacher)
    assert course.join_code != old
    with pytest.raises(ValidationError, match="No course has this code"):
        services.course_join(user=outsider, code=old)
    assert services.course_join(user=outsider, code=course.join_code) == course


def test_an_archived_course_takes_no_new_students(course, teacher, outsider) -> None:  # noqa: ANN001
    services.course_set_archived(course=course, by=teacher, archived=True)
    with pytest.raises(ValidationError, match="archived"):
        services.course_join(user=outsider, code=course.join_code)


def test_a_teacher_cannot_join_their_own_course_as_a_student(course, co_teacher) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="You teach"):
        services.course_join(user=co_teacher, code=course.join_code)


def test_a_removed_student_sees_nothing_of_the_course_any_more(course, co_teacher, student, client) -> None:  # noqa: ANN001
    client.force_login(co_teacher)
    response = client.post(reverse("classroom:student_remove", args=[course.pk, student.pk]))
    assert response.status_code == 302
    client.force_login(student)
    assert client.get(course.get_absolute_url()).status_code == 404


def test_a_student_cannot_change_the_join_code(course, student) -> None:  # noqa: ANN001
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.join_code_regenerate(course=course, by=student)
