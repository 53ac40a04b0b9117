from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gallery.classroom import selectors, services

pytestmark = pytest.mark.django_db


def test_resubmitting_keeps_the_history_and_the_newest_counts(assignment, student, result_factory, client) -> None:  # noqa: ANN001
    first_result, second_result = result_factory(student, title="Try one"), result_factory(student, title="Try two")
    now = timezone.now()
    first = services.submission_create(assignment=assignment, student=student, results=[first_result], now=now)
    second = services.submission_create(
        assignment=assignment,
        student=student,
        results=[second_result],
        statement="Better",
        now=now + timedelta(hours=1),
    )
    assert list(selectors.submission_history(assignment, student)) == [second, first]
    assert list(selectors.latest_submissions(assignment)) == [second]
    assert selectors.is_latest(second) and not selectors.is_latest(first)
    client.force_login(student)
    page = client.get(reverse("classroom:submission_detail", args=[first.pk])).content.decode()
    assert "earlier version" in page
    assert "Try one" in page


def test_the_review_grid_shows_one_card_per_student_with_the_latest_work(
    assignment,
    student,
    result_factory,
    co_teacher,
    client,  # noqa: ANN001
) -> None:
    services.submission_create(assignment=assignment, student=student, results=[result_factory(student)])
    latest = services.submission_create(assignment=assignment, student=student, results=[result_factory(student)])
    client.force_login(co_teacher)
    page = client.get(reverse("classroom:review_grid", args=[assignment.pk])).content.decode()
    assert page.count('class="card-title"') == 1
    assert latest.get_absolute_url() in page


def test_after_the_due_date_the_last_submission_stands(assignment, student, result_factory) -> None:  # noqa: ANN001
    services.submission_create(assignment=assignment, student=student, results=[result_factory(student)])
    with pytest.raises(ValidationError, match="last submission stands"):
        services.submission_create(
            assignment=assignment,
            student=student,
            results=[result_factory(student)],
            now=assignment.due_at + timedelta(minutes=1),
        )
    assert assignment.submissions.count() == 1


def test_only_the_students_own_results_can_be_handed_in(assignment, student, teacher, result_factory) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="your own results"):
        services.submission_create(assignment=assignment, student=student, results=[result_factory(teacher)])


def test_a_required_algorithm_is_enforced(assignment_factory, student, result_factory) -> None:  # noqa: ANN001
    denoise_only = assignment_factory(algorithm="denoise")
    with pytest.raises(ValidationError, match="asks for results made with"):
        services.submission_create(assignment=denoise_only, student=student, results=[result_factory(student)])


def test_nothing_can_be_handed_in_before_the_assignment_opens(assignment, student, result_factory) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="not open yet"):
        services.submission_create(
            assignment=assignment,
            student=student,
            results=[result_factory(student)],
            now=assignment.opens_at - timedelta(minutes=1),
        )
