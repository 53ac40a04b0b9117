from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from gallery.classroom import services

pytestmark = pytest.mark.django_db


def test_the_csv_has_a_row_per_student_and_a_column_per_published_assignment(
    course,
    teacher,
    student,
    assignment_factory,
    result_factory,
    django_user_model,
    client,  # noqa: ANN001
) -> None:
    from .conftest import person

    first = assignment_factory(title="Gatys basics", max_points=10)
    second = assignment_factory(title="Denoise", max_points=5)
    assignment_factory(title="Hidden draft", published=False)
    quiet = person(django_user_model, "quinn")
    services.course_join(user=quiet, code=course.join_code)
    for assignment, points in ((first, "7.5"), (second, "4")):
        submission = services.submission_create(
            assignment=assignment, student=student, results=[result_factory(student)]
        )
        services.grade_set(submission=submission, by=teacher, points=points)

    client.force_login(teacher)
    response = client.get(reverse("classroom:grades_csv", args=[course.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["student", "email", "Gatys basics (/10)", "Denoise (/5)", "total"]
    assert rows[1:] == [
        ["quinn", "quinn@example.com", "", "", "0"],
        ["sami", "sami@example.com", "7.5", "4", "11.5"],
    ]


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(
    course,
    teacher,
    assignment_factory,
    django_user_model,
    client,  # noqa: ANN001
) -> None:
    assignment_factory(title='=HYPERLINK("http://evil.example","Click")', max_points=10)
    for username, email in (("+plus", "a@example.com"), ("-minus", "@at@example.com"), ("@at", "b@example.com")):
        user = django_user_model.objects.create_user(username, email, "a-long-test-password-42")
        services.course_join(user=user, code=course.join_code)

    client.force_login(teacher)
    rows = list(csv.reader(io.StringIO(client.get(reverse("classroom:grades_csv", args=[course.pk])).content.decode())))
    assert rows[0][2] == '\'=HYPERLINK("http://evil.example","Click") (/10)'
    people = {row[0]: row[1] for row in rows[1:]}
    assert people == {
        "'+plus": "a@example.com",
        "'-minus": "'@at@example.com",
        "'@at": "b@example.com",
        "sami": "sami@example.com",
    }
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
