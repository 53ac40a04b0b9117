from __future__ import annotations

import pytest
from django.urls import reverse

from gallery.classroom import services

pytestmark = pytest.mark.django_db


def test_a_student_sees_neither_points_nor_feedback_before_release(submission, teacher, student, client) -> None:  # noqa: ANN001
    services.grade_set(submission=submission, by=teacher, points="8.5", feedback="Lovely brushwork")
    client.force_login(student)
    for url in (submission.assignment.get_absolute_url(), submission.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Lovely brushwork" not in page
        assert "8.5" not in page
    api = client.get(reverse("api:classroom_submission", args=[submission.pk])).json()
    assert api["grade"] is None
    assert client.get(reverse("api:classroom_grades", args=[submission.assignment.course_id])).json()["results"] == []


def test_after_release_the_student_sees_their_grade_and_feedback(submission, co_teacher, student, client) -> None:  # noqa: ANN001
    services.grade_set(submission=submission, by=co_teacher, points="8.5", feedback="Lovely brushwork")
    services.grades_release(assignment=submission.assignment, by=co_teacher)
    client.force_login(student)
    page = client.get(submission.assignment.get_absolute_url()).content.decode()
    assert "Lovely brushwork" in page
    assert "8.5" in page
    assert client.get(reverse("api:classroom_submission", args=[submission.pk])).json()["grade"]["points"] == "8.50"


def test_teachers_see_grades_before_release(submission, teacher, co_teacher, client) -> None:  # noqa: ANN001
    services.grade_set(submission=submission, by=teacher, points=6, feedback="More contrast")
    client.force_login(co_teacher)
    assert "More contrast" in client.get(submission.get_absolute_url()).content.decode()


def test_points_outside_the_range_are_refused_on_the_page(submission, teacher, client) -> None:  # noqa: ANN001
    client.force_login(teacher)
    response = client.post(submission.get_absolute_url(), {"points": "11", "feedback": ""})
    assert response.status_code == 400
    assert not submission.assignment.grades.exists()
