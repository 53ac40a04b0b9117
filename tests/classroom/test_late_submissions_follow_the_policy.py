from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from gallery.classroom import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("policy", "marked"), [("allowed", False), ("marked", True)])
def test_late_work_is_accepted_and_marked_per_the_policy(
    policy: str,
    marked: bool,
    assignment_factory,
    student,
    result_factory,  # noqa: ANN001
) -> None:
    assignment = assignment_factory(late_policy=policy)
    submission = services.submission_create(
        assignment=assignment,
        student=student,
        results=[result_factory(student)],
        now=assignment.due_at + timedelta(hours=2),
    )
    assert submission.is_late is marked


def test_late_work_is_refused_when_the_policy_says_so(assignment_factory, student, result_factory) -> None:  # noqa: ANN001
    assignment = assignment_factory(late_policy="not_allowed")
    with pytest.raises(ValidationError, match="takes no late work"):
        services.submission_create(
            assignment=assignment,
            student=student,
            results=[result_factory(student)],
            now=assignment.due_at + timedelta(seconds=1),
        )
    assert not assignment.submissions.exists()


@pytest.mark.parametrize("policy", ["allowed", "not_allowed", "marked"])
def test_work_on_time_is_never_marked_late(policy: str, assignment_factory, student, result_factory) -> None:  # noqa: ANN001
    assignment = assignment_factory(late_policy=policy)
    submission = services.submission_create(
        assignment=assignment, student=student, results=[result_factory(student)], now=assignment.due_at
    )
    assert submission.is_late is False


def test_the_page_marks_a_late_submission_and_closes_the_form_when_late_work_is_refused(
    assignment_factory,
    student,
    result_factory,
    client,  # noqa: ANN001
) -> None:
    marked = assignment_factory(title="Marked", late_policy="marked", due_in=timedelta(hours=-1))
    refused = assignment_factory(title="Refused", late_policy="not_allowed", due_in=timedelta(hours=-1))
    result = result_factory(student)
    client.force_login(student)
    response = client.post(f"/classroom/assignments/{marked.pk}/submit/", {"results": [result.pk]}, follow=True)
    assert "It is marked late." in response.content.decode()
    page = client.get(refused.get_absolute_url()).content.decode()
    assert "takes no late work" in page
    assert f'action="/classroom/assignments/{refused.pk}/submit/"' not in page
