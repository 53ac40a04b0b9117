"""Every classroom page and action, asked by each kind of person.

Teachers and co-teachers have the same rights; a student sees their course, its published
assignments, their own submission and the class gallery; another course's student and an outsider
get 404 (the course's existence does not leak); anonymous visitors are sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import client_for

from .conftest import ROLES

TEACHERS = {"teacher", "co_teacher"}
MEMBERS = TEACHERS | {"student"}
STUDENT = {"student"}


@dataclass(frozen=True)
class Page:
    name: str
    args: Callable[[dict], list]
    allowed: set[str]
    method: str = "get"
    data: Callable[[dict], dict[str, Any]] = field(default=lambda c: {})
    ok: int = 200

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _course(c: dict) -> list:
    return [c["course"].pk]


def _assignment(c: dict) -> list:
    return [c["assignment"].pk]


def _submission(c: dict) -> list:
    return [c["submission"].pk]


PAGES = [
    Page("course_detail", _course, MEMBERS),
    Page("class_gallery", _course, MEMBERS),
    Page("course_edit", _course, TEACHERS),
    Page("course_edit", _course, TEACHERS, "post", lambda c: {"title": "Renamed"}, 302),
    Page("course_code", _course, TEACHERS, "post", lambda c: {"action": "regenerate"}, 302),
    Page("course_archive", _course, TEACHERS, "post", lambda c: {"archived": "1"}, 302),
    Page("student_remove", lambda c: [c["course"].pk, c["student"].pk], TEACHERS, "post", ok=302),
    Page("co_teacher_add", _course, TEACHERS, "post", lambda c: {"username": "nobody"}, 302),
    Page("co_teacher_remove", lambda c: [c["course"].pk, c["co_teacher"].pk], TEACHERS, "post", ok=302),
    Page("grades_csv", _course, TEACHERS),
    Page("assignment_create", _course, TEACHERS),
    Page("assignment_detail", _assignment, MEMBERS),
    Page("assignment_edit", _assignment, TEACHERS),
    Page("assignment_submit", _assignment, STUDENT, "post", lambda c: {"results": [c["result"].pk]}, 302),
    Page("assignment_use_styles", _assignment, STUDENT, "post", ok=302),
    Page("provided_style_file", lambda c: [c["assignment"].pk, c["style"].pk, "thumb"], MEMBERS),
    Page("review_grid", _assignment, TEACHERS),
    Page("grades_release", _assignment, TEACHERS, "post", lambda c: {"released": "1"}, 302),
    Page("submission_detail", _submission, MEMBERS),
    Page("submission_detail", _submission, TEACHERS, "post", lambda c: {"points": "7", "feedback": "Good"}, 302),
    Page("submission_show", _submission, TEACHERS, "post", lambda c: {"shown": "1"}, 302),
    Page("submission_result_file", lambda c: [c["submission"].pk, c["result"].share_token, "image"], MEMBERS),
    Page(
        "submission_result_input",
        lambda c: [c["submission"].pk, c["result"].share_token, c["result"].job.content_id, "thumb"],
        MEMBERS,
    ),
]


@pytest.fixture
def context(course, assignment, submission, student, co_teacher, student_result, provided_style) -> dict:  # noqa: ANN001
    return {
        "course": course,
        "assignment": assignment,
        "submission": submission,
        "student": student,
        "co_teacher": co_teacher,
        "result": student_result,
        "style": provided_style,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_answers_each_role_as_the_rules_say(page: Page, role: str, context: dict, client_as) -> None:  # noqa: ANN001
    url = reverse(f"classroom:{page.name}", args=page.args(context))
    response = getattr(client_as(role), page.method)(url, page.data(context))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in page.allowed:
        assert response.status_code == page.ok, response.content[:500]
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["course_list", "course_create", "course_join"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_classroom_home(client, name: str) -> None:  # noqa: ANN001
    response = client.get(reverse(f"classroom:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_student_lists_only_their_own_courses(client_as, course, other_course) -> None:  # noqa: ANN001
    page = client_as("student").get(reverse("classroom:course_list")).content.decode()
    assert course.title in page
    assert other_course.title not in page


@pytest.mark.django_db
def test_a_student_does_not_see_draft_assignments(client_as, assignment_factory, course) -> None:  # noqa: ANN001
    draft = assignment_factory(title="Secret draft", published=False)
    assert client_as("student").get(reverse("classroom:assignment_detail", args=[draft.pk])).status_code == 404
    assert "Secret draft" not in client_as("student").get(course.get_absolute_url()).content.decode()
    assert "Secret draft" in client_as("co_teacher").get(course.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_student_cannot_open_a_classmates_submission(
    client_as,
    assignment,
    submission,
    django_user_model,
    result_factory,
    course,  # noqa: ANN001
) -> None:
    from gallery.classroom import services

    from .conftest import person

    classmate = person(django_user_model, "clara")
    services.course_join(user=classmate, code=course.join_code)
    theirs = services.submission_create(assignment=assignment, student=classmate, results=[result_factory(classmate)])
    response = client_as("student").get(reverse("classroom:submission_detail", args=[theirs.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_class_sees_a_private_result_only_once_the_teacher_shows_it(
    client_as,
    submission,
    student_result,
    course,
    django_user_model,  # noqa: ANN001
) -> None:
    from gallery.classroom import services

    from .conftest import person

    classmate = person(django_user_model, "clara")
    services.course_join(user=classmate, code=course.join_code)
    url = reverse("classroom:submission_result_file", args=[submission.pk, student_result.share_token, "thumb"])
    assert client_as("student").get(url).status_code == 200  # their own
    assert client_for(classmate).get(url).status_code == 404
    assert student_result.visibility == "private"
    services.submission_set_shown(submission=submission, by=course.owner, shown=True)
    assert client_for(classmate).get(url).status_code == 200
    gallery = client_as("co_teacher").get(reverse("classroom:class_gallery", args=[submission.assignment.course_id]))
    assert url in gallery.content.decode()
    assert client_as("other_student").get(url).status_code == 404
    # ...and the studio's own result page still keeps it private.
    assert client_as("teacher").get(student_result.get_absolute_url()).status_code == 404
