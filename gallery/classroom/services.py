"""Writes: every change to courses, assignments, submissions and grades goes through these.

Views, the API and the admin call them. They validate (ValidationError keyed by field) and
re-check the actor's rights with permissions.py (PermissionDenied), so a page and the API cannot
disagree. Callers fetch the objects through selectors.py first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from gallery.core.users import User
from gallery.studio import algorithms
from gallery.studio import selectors as studio_selectors
from gallery.studio import services as studio_services
from gallery.studio.models import Result, Upload

from . import selectors
from .models import JOIN_CODE_LENGTH, Assignment, Course, Grade, Membership, StyleCopy, Submission, new_join_code
from .permissions import can_hand_in, can_teach, is_student, is_teacher

MAX_RESULTS_PER_SUBMISSION = 6
MAX_PROVIDED_STYLES = 3  # what the job form can take at once

ModelT = TypeVar("ModelT", bound=models.Model)


def _require_teacher(user: User, course: Course) -> None:
    if not can_teach(user, course):
        raise PermissionDenied("Only the course's teachers can do this.")


def _save_fields(instance: ModelT, **values: Any) -> ModelT:
    """Set these fields and write only them (a concurrent edit of the other fields survives)."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(values))
    return instance


# --- Courses ---------------------------------------------------------------------------------


def course_create(*, owner: User, title: str, term: str = "", description: str = "") -> Course:
    if not title.strip():
        raise ValidationError({"title": "Give the course a title."})
    return Course.objects.create(owner=owner, title=title.strip(), term=term.strip(), description=description)


def course_update(*, course: Course, by: User, title: str, term: str = "", description: str = "") -> Course:
    _require_teacher(by, course)
    if not title.strip():
        raise ValidationError({"title": "Give the course a title."})
    return _save_fields(course, title=title.strip(), term=term.strip(), description=description)


def course_set_archived(*, course: Course, by: User, archived: bool) -> Course:
    """Archived courses stay readable but take no new students or submissions."""
    _require_teacher(by, course)
    return _save_fields(course, archived=archived)


def join_code_regenerate(*, course: Course, by: User) -> Course:
    """A fresh code (the old one stops working) that is also turned on."""
    _require_teacher(by, course)
    for _ in range(5):  # a collision among 31^8 codes is unlikely, not impossible
        course.join_code = new_join_code()
        course.join_enabled = True
        try:
            with transaction.atomic():
                course.save(update_fields=["join_code", "join_enabled"])
        except IntegrityError:
            continue
        return course
    raise RuntimeError("could not find an unused join code")


def join_code_set_enabled(*, course: Course, by: User, enabled: bool) -> Course:
    _require_teacher(by, course)
    return _save_fields(course, join_enabled=enabled)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def course_join(*, user: User, code: str) -> Course:
    """Enrol `user` as a student of the course with this code (joining twice is harmless)."""
    code = normalise_code(code)
    course = Course.objects.filter(join_code=code).first() if len(code) == JOIN_CODE_LENGTH else None
    if course is None:
        raise ValidationError({"code": "No course has this code. Check it with your teacher."})
    if not course.join_enabled:
        raise ValidationError({"code": "This course is not taking new students: its join code is turned off."})
    if course.archived:
        raise ValidationError({"code": "This course is archived and takes no new students."})
    if is_teacher(user, course):
        raise ValidationError({"code": "You teach this course."})
    Membership.objects.get_or_create(course=course, student=user)
    return course


def student_remove(*, course: Course, by: User, student: User) -> None:
    """Take a student off the course; their submissions and grades are kept (re-joining restores them)."""
    _require_teacher(by, course)
    course.memberships.filter(student_id=student.pk).delete()


def co_teacher_add(*, course: Course, by: User, username: str) -> User:
    _require_teacher(by, course)
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise ValidationError({"username": "No account has this user name."})
    if user.pk == course.owner_id:
        raise ValidationError({"username": "They already own this course."})
    if is_student(user, course):
        raise ValidationError({"username": "They are a student of this course; remove them as a student first."})
    course.co_teachers.add(user)
    return user


def co_teacher_remove(*, course: Course, by: User, user: User) -> None:
    _require_teacher(by, course)
    course.co_teachers.remove(user)


# --- Assignments -----------------------------------------------------------------------------


def _validate_assignment(assignment: Assignment, *, styles: Sequence[Upload], allowed_styles: Iterable[Upload]) -> None:
    """Check the values just set on `assignment` (styles are a separate list until it is saved)."""
    errors: dict[str, str] = {}
    if assignment.algorithm and assignment.algorithm not in dict(algorithms.algorithm_choices()):
        errors["algorithm"] = f"Unknown algorithm {assignment.algorithm!r}."
    allowed = {u.pk for u in allowed_styles}
    if any(u.pk not in allowed or u.kind != Upload.Kind.STYLE for u in styles):
        errors["styles"] = "Choose style images from your own uploads."
    elif len(styles) > MAX_PROVIDED_STYLES:
        errors["styles"] = f"Provide at most {MAX_PROVIDED_STYLES} style images."
    if assignment.opens_at and assignment.due_at and assignment.due_at <= assignment.opens_at:
        errors["due_at"] = "The due date must come after the opening date."
    if assignment.late_policy not in Assignment.LatePolicy.values:
        errors["late_policy"] = "Choose a late policy."
    if assignment.max_points is None or assignment.max_points < 1:
        errors["max_points"] = "An assignment is worth at least 1 point."
    if assignment.course.archived:
        errors["__all__"] = "The course is archived."
    if errors:
        raise ValidationError(errors)


def assignment_create(
    *,
    course: Course,
    by: User,
    title: str,
    instructions: str = "",
    algorithm: str = "",
    styles: Sequence[Upload] = (),
    opens_at: datetime,
    due_at: datetime,
    late_policy: str = Assignment.LatePolicy.MARKED,
    max_points: int = 10,
    published: bool = False,
) -> Assignment:
    # A new row goes through assignment_update, so setting and editing check the same rules.
    return assignment_update(
        assignment=Assignment(course=course),
        by=by,
        title=title,
        instructions=instructions,
        algorithm=algorithm,
        styles=styles,
        opens_at=opens_at,
        due_at=due_at,
        late_policy=late_policy,
        max_points=max_points,
        published=published,
    )


def assignment_update(
    *,
    assignment: Assignment,
    by: User,
    title: str,
    instructions: str,
    algorithm: str,
    styles: Sequence[Upload],
    opens_at: datetime,
    due_at: datetime,
    late_policy: str,
    max_points: int,
    published: bool,
) -> Assignment:
    """Replace every field the teacher sets (an unsaved assignment is created). On a
    ValidationError nothing is saved, though `assignment` holds the refused values."""
    _require_teacher(by, assignment.course)
    assignment.title, assignment.instructions, assignment.algorithm = title.strip(), instructions, algorithm
    assignment.opens_at, assignment.due_at, assignment.late_policy = opens_at, due_at, late_policy
    assignment.max_points, assignment.published = max_points, published
    _validate_assignment(
        assignment, styles=styles, allowed_styles=selectors.style_uploads_for_assignment(by, assignment)
    )
    with transaction.atomic():
        assignment.save()
        assignment.styles.set(styles)
    return assignment


def grades_release(*, assignment: Assignment, by: User, released: bool = True) -> Assignment:
    """Students see their grade and feedback only after this."""
    _require_teacher(by, assignment.course)
    return _save_fields(assignment, grades_released=released)


def provided_styles_copy(*, assignment: Assignment, student: User) -> list[Upload]:
    """Give the student their own copies of the provided styles (once), so they can start a job
    with them: jobs only take their owner's uploads."""
    if not can_hand_in(student, assignment):
        raise PermissionDenied("Only the course's students can use its styles.")
    copies = []
    for source in assignment.styles.all():
        existing = StyleCopy.objects.filter(source=source, owner=student).select_related("copy").first()
        if existing is None:
            with source.image.open("rb") as handle:
                data = handle.read()
            name = "style." + (source.image.name.rsplit(".", 1)[-1] if "." in source.image.name else "png")
            copy = studio_services.upload_create(
                owner=student,
                file=SimpleUploadedFile(name, data, "application/octet-stream"),
                kind=Upload.Kind.STYLE,
                title=source.title,
            )
            existing = StyleCopy.objects.create(source=source, copy=copy, owner=student)
        copies.append(existing.copy)
    return copies


# --- Submissions and grades ------------------------------------------------------------------


def submission_closed_reason(*, assignment: Assignment, student: User, now: datetime | None = None) -> str | None:
    """Why the student cannot hand in now, or None when they can (the page shows the reason)."""
    now = now or timezone.now()
    if assignment.course.archived:
        return "The course is archived."
    if now < assignment.opens_at:
        return "This assignment is not open yet."
    if now > assignment.due_at:
        if assignment.late_policy == Assignment.LatePolicy.NOT_ALLOWED:
            return "The due date has passed and this assignment takes no late work."
        if assignment.submissions.filter(student_id=student.pk).exists():
            return "The due date has passed: your last submission stands."
    return None


def submission_create(
    *,
    assignment: Assignment,
    student: User,
    results: Sequence[Result],
    statement: str = "",
    now: datetime | None = None,
) -> Submission:
    """Hand in (or hand in again) a set of the student's own results.

    Before the due date a student may resubmit as often as they like; the newest counts and the
    older ones stay in the history. After it, a first hand-in follows the late policy: refused,
    accepted, or accepted and marked late; a hand-in already made stands.
    """
    now = now or timezone.now()
    if not can_hand_in(student, assignment):
        raise PermissionDenied("Only the course's students can hand in work.")
    errors: dict[str, str] = {}
    own = set(studio_selectors.results_of(student).filter(pk__in=[r.pk for r in results]).values_list("pk", flat=True))
    if not results:
        errors["results"] = "Choose at least one of your results."
    elif len(results) > MAX_RESULTS_PER_SUBMISSION:
        errors["results"] = f"Choose at most {MAX_RESULTS_PER_SUBMISSION} results."
    elif any(r.pk not in own for r in results):
        errors["results"] = "Choose from your own results."
    elif assignment.algorithm and any(r.algorithm != assignment.algorithm for r in results):
        label = getattr(algorithms.REGISTRY.get(assignment.algorithm), "label", assignment.algorithm)
        errors["results"] = f"This assignment asks for results made with {label}."
    if len(statement) > 5000:
        errors["statement"] = "Keep the statement under 5000 characters."
    closed = submission_closed_reason(assignment=assignment, student=student, now=now)
    if closed:
        errors["__all__"] = closed
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        submission = Submission.objects.create(
            assignment=assignment,
            student=student,
            statement=statement.strip(),
            submitted_at=now,
            is_late=now > assignment.due_at and assignment.late_policy == Assignment.LatePolicy.MARKED,
        )
        submission.results.set(results)
    return submission


def grade_set(*, submission: Submission, by: User, points: Any, feedback: str = "") -> Grade:
    """Grade the student on the submission's assignment (one grade per student, updated in place)."""
    assignment = submission.assignment
    _require_teacher(by, assignment.course)
    try:
        value = Decimal(str(points))
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": "Enter a number."}) from None
    if not value.is_finite() or not 0 <= value <= assignment.max_points:
        raise ValidationError({"points": f"Give between 0 and {assignment.max_points} points."})
    grade, _ = Grade.objects.update_or_create(
        assignment=assignment,
        student_id=submission.student_id,
        defaults={"points": value.quantize(Decimal("0.01")), "feedback": feedback.strip(), "graded_by": by},
    )
    return grade


def submission_set_shown(*, submission: Submission, by: User, shown: bool) -> Submission:
    """Show (or hide) a submission in the class gallery."""
    _require_teacher(by, submission.assignment.course)
    return _save_fields(submission, shown_in_gallery=shown)
