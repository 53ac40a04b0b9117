"""Reads: every classroom page and API view fetches rows through these.

Single-object lookups raise Http404 both when the object is missing and when the viewer has no
right to it (see permissions.py), so nobody can probe another course.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from gallery.core.users import User
from gallery.studio.models import JobStyle, Result, Upload

from .models import Assignment, Course, Grade, Membership, Submission
from .permissions import (
    can_see_grade,
    can_teach,
    can_view_assignment,
    can_view_course,
    can_view_in_gallery,
    can_view_submission,
)

T = TypeVar("T")


def _or_404(found: T | None, may_see: Callable[[T], bool], message: str) -> T:
    """`found` if it exists and the viewer may see it; the same Http404 for both failures."""
    if found is None or not may_see(found):
        raise Http404(message)
    return found


def courses_of(user: User) -> QuerySet[Course]:
    """Courses the user teaches or studies in."""
    if not user.is_authenticated:
        return Course.objects.none()
    mine = Q(owner_id=user.pk) | Q(co_teachers=user.pk) | Q(memberships__student_id=user.pk)
    return Course.objects.filter(pk__in=Course.objects.filter(mine).values("pk")).select_related("owner")


def course_for(user: User, pk: int) -> Course:
    course = Course.objects.filter(pk=pk).select_related("owner").first()
    return _or_404(course, partial(can_view_course, user), "No such course.")


def course_for_teacher(user: User, pk: int) -> Course:
    return _or_404(course_for(user, pk), partial(can_teach, user), "No such course.")


def students_of(course: Course) -> QuerySet:
    return get_user_model().objects.filter(memberships__course=course).order_by("username")


def memberships_of(course: Course) -> QuerySet[Membership]:
    return course.memberships.select_related("student")


def assignments_for(user: User, course: Course) -> QuerySet[Assignment]:
    """Teachers see drafts too; students only published assignments."""
    assignments = course.assignments.all()
    return assignments if can_teach(user, course) else assignments.filter(published=True)


def assignment_for(user: User, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(pk=pk).select_related("course", "course__owner").prefetch_related("styles").first()
    )
    return _or_404(assignment, partial(can_view_assignment, user), "No such assignment.")


def assignment_for_teacher(user: User, pk: int) -> Assignment:
    return _or_404(
        assignment_for(user, pk), lambda assignment: can_teach(user, assignment.course), "No such assignment."
    )


def provided_style_for(user: User, assignment: Assignment, upload_pk: int) -> Upload:
    """A style image the teacher provided, for whoever may see the assignment."""
    upload = assignment.styles.filter(pk=upload_pk).first()
    return _or_404(upload, lambda _: can_view_assignment(user, assignment), "No such image.")


def style_uploads_for_assignment(user: User, assignment: Assignment | None = None) -> QuerySet[Upload]:
    """Styles a teacher may attach: their own style uploads, plus those already attached
    (a co-teacher's choice stays selectable)."""
    mine = Q(owner_id=user.pk, kind=Upload.Kind.STYLE)
    if assignment is not None and assignment.pk:
        mine |= Q(assignments=assignment)
    return Upload.objects.filter(mine).distinct()


def _with_results(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.select_related("student", "assignment", "assignment__course").prefetch_related(
        Prefetch("results", queryset=Result.objects.order_by("pk"))
    )


def submission_history(assignment: Assignment, student: User) -> QuerySet[Submission]:
    """All hand-ins of one student, newest (the one that counts) first."""
    return _with_results(assignment.submissions.filter(student_id=student.pk))


def latest_submission(assignment: Assignment, student: User) -> Submission | None:
    return submission_history(assignment, student).first()


def latest_submissions(assignment: Assignment) -> QuerySet[Submission]:
    """The submission that counts for each student who handed something in (the review grid)."""
    newer = Submission.objects.filter(
        assignment_id=OuterRef("assignment_id"), student_id=OuterRef("student_id")
    ).filter(
        Q(submitted_at__gt=OuterRef("submitted_at")) | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    return _with_results(assignment.submissions.filter(~Exists(newer))).order_by("student__username")


def submission_for(user: User, pk: int) -> Submission:
    submission = _with_results(Submission.objects.filter(pk=pk)).first()
    return _or_404(submission, partial(can_view_submission, user), "No such submission.")


def submission_for_teacher(user: User, pk: int) -> Submission:
    return _or_404(
        submission_for(user, pk),
        lambda submission: can_teach(user, submission.assignment.course),
        "No such submission.",
    )


def is_latest(submission: Submission) -> bool:
    return latest_submission(submission.assignment, submission.student) == submission


def grade_for(user: User, assignment: Assignment, student: User) -> Grade | None:
    """The grade if this viewer may see it now: None before release for students."""
    if not can_see_grade(user, assignment, student.pk):
        return None
    return Grade.objects.filter(assignment=assignment, student_id=student.pk).first()


def grades_of(assignment: Assignment) -> dict[int, Grade]:
    """Every grade of an assignment by student id (teachers' pages only)."""
    return {grade.student_id: grade for grade in assignment.grades.all()}


def gallery_submissions(user: User, course: Course) -> QuerySet[Submission]:
    if not can_view_course(user, course):
        raise Http404("No such course.")
    return _with_results(
        Submission.objects.filter(assignment__course=course, shown_in_gallery=True, assignment__published=True)
    ).order_by("assignment__due_at", "student__username")


def submission_result_for(user: User, submission_pk: int, token: str) -> Result:
    """A result inside a submission, for its student, the course's teachers, or - when the
    teacher shows it in the class gallery - the class. Private results stay private elsewhere."""
    submission = _or_404(
        _with_results(Submission.objects.filter(pk=submission_pk)).first(),
        lambda submission: can_view_submission(user, submission) or can_view_in_gallery(user, submission),
        "No such result.",
    )
    result = (
        submission.results.filter(share_token=token)
        .select_related("job", "job__content")
        .prefetch_related(Prefetch("job__job_styles", queryset=JobStyle.objects.select_related("upload")))
        .first()
    )
    if result is None:
        raise Http404("No such result.")
    return result


def result_inputs(result: Result) -> list[Upload]:
    """The photo and styles a result was made from (what the review shows beside it)."""
    job = result.job
    if job is None:
        return []
    return [u for u in [job.content, *(s.upload for s in job.job_styles.all())] if u is not None]


@dataclass(frozen=True)
class GradeRow:
    student: User
    points: list[Decimal | None]  # one per assignment, None = not graded

    @property
    def total(self) -> Decimal:
        return sum((p for p in self.points if p is not None), Decimal(0))


def grade_table(course: Course) -> tuple[list[Assignment], Iterator[GradeRow]]:
    """Students × published assignments (the CSV export); teachers only (callers check)."""
    assignments = list(course.assignments.filter(published=True).order_by("due_at", "id"))
    grades = {(g.assignment_id, g.student_id): g.points for g in Grade.objects.filter(assignment__course=course)}
    rows = (GradeRow(student, [grades.get((a.pk, student.pk)) for a in assignments]) for student in students_of(course))
    return assignments, rows
