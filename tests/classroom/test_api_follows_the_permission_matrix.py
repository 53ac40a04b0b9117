"""The /api/v1/classroom/ endpoints give the pages' answers: teachers and co-teachers alike,
students their own things, everyone else 404, anonymous callers 401."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import ROLES

TEACHERS = {"teacher", "co_teacher"}
MEMBERS = TEACHERS | {"student"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    args: Callable[[dict], list]
    allowed: set[str]
    method: str = "get"
    data: Callable[[dict], dict[str, Any]] = field(default=lambda c: {})
    ok: int = 200

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _new_assignment(c: dict) -> dict:
    now = timezone.now()
    return {"title": "API set", "opens_at": now.isoformat(), "due_at": (now + timedelta(days=3)).isoformat()}


ENDPOINTS = [
    Endpoint("classroom_course", lambda c: [c["course"].pk], MEMBERS),
    Endpoint("classroom_grades", lambda c: [c["course"].pk], MEMBERS),
    Endpoint("classroom_assignments", lambda c: [c["course"].pk], MEMBERS),
    Endpoint("classroom_assignments", lambda c: [c["course"].pk], TEACHERS, "post", _new_assignment, 201),
    Endpoint("classroom_assignment", lambda c: [c["assignment"].pk], MEMBERS),
    Endpoint("classroom_release", lambda c: [c["assignment"].pk], TEACHERS, "post", lambda c: {"released": True}),
    Endpoint("classroom_submissions", lambda c: [c["assignment"].pk], MEMBERS),
    Endpoint(
        "classroom_submissions",
        lambda c: [c["assignment"].pk],
        {"student"},
        "post",
        lambda c: {"results": [c["result"].share_token], "statement": "Again"},
        201,
    ),
    Endpoint("classroom_submission", lambda c: [c["submission"].pk], MEMBERS),
    Endpoint("classroom_grade", lambda c: [c["submission"].pk], TEACHERS, "put", lambda c: {"points": "9"}),
    Endpoint("classroom_submission_result", lambda c: [c["submission"].pk, c["result"].share_token], MEMBERS),
]


@pytest.fixture
def context(course, assignment, submission, student_result) -> dict:  # noqa: ANN001
    return {"course": course, "assignment": assignment, "submission": submission, "result": student_result}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_endpoint_answers_each_role_as_the_rules_say(
    endpoint: Endpoint, role: str, context: dict, client_as
) -> None:  # noqa: ANN001
    url = reverse(f"api:{endpoint.name}", args=endpoint.args(context))
    response = getattr(client_as(role), endpoint.method)(url, endpoint.data(context), content_type="application/json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in endpoint.allowed:
        assert response.status_code == endpoint.ok, response.content[:500]
    else:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_course_list_shows_each_user_their_own_courses_and_role(client_as, course, other_course) -> None:  # noqa: ANN001
    listed = client_as("student").get(reverse("api:classroom_courses")).json()["results"]
    assert [(c["id"], c["role"], c["join_code"]) for c in listed] == [(course.pk, "student", None)]
    listed = client_as("co_teacher").get(reverse("api:classroom_courses")).json()["results"]
    assert [(c["id"], c["role"], c["join_code"]) for c in listed] == [(course.pk, "teacher", course.join_code)]
    assert client_as("outsider").get(reverse("api:classroom_courses")).json()["results"] == []


@pytest.mark.django_db
def test_joining_and_handing_in_through_the_api(client_as, course, assignment, outsider, result_factory) -> None:  # noqa: ANN001
    client = client_as("outsider")
    wrong = client.post(reverse("api:classroom_join"), {"code": "NOPE2345"}, content_type="application/json")
    assert wrong.status_code == 400
    assert "code" in wrong.json()["error"]["fields"]
    joined = client.post(reverse("api:classroom_join"), {"code": course.join_code}, content_type="application/json")
    assert joined.json()["role"] == "student"
    mine = result_factory(outsider)
    url = reverse("api:classroom_submissions", args=[assignment.pk])
    handed = client.post(url, {"results": [mine.share_token]}, content_type="application/json")
    assert handed.status_code == 201
    assert handed.json()["grade"] is None
    someone_elses = result_factory(course.owner)
    refused = client.post(url, {"results": [someone_elses.share_token]}, content_type="application/json")
    assert refused.status_code == 400
    assert "results" in refused.json()["error"]["fields"]
