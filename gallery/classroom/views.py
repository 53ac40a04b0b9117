"""Classroom pages: thin views over selectors (reads) and services (writes).

Every view needs a signed-in user (anonymous visitors are sent to log in); the selectors answer
404 for anything the user has no part in.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from gallery.core.errors import show_errors
from gallery.core.http import image_or_thumb
from gallery.studio import algorithms

from . import selectors, services
from .forms import AssignmentForm, CoTeacherForm, CourseForm, GradeForm, JoinForm, SubmissionForm
from .models import Assignment
from .permissions import can_hand_in, can_teach
from .templatetags.classroom import points


def _save(form: Form, write) -> object | None:  # noqa: ANN001
    """Call a service with a valid form; put its ValidationError on the form (None = failed)."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as error:
        show_errors(error, form)
        return None


def _status(form: Form) -> int:
    return 400 if form.errors else 200


# --- Courses ---------------------------------------------------------------------------------


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_of(request.user)
    teaching = [c for c in courses if can_teach(request.user, c)]
    return render(
        request,
        "classroom/course_list.html",
        {"teaching": teaching, "studying": [c for c in courses if c not in teaching], "join_form": JoinForm()},
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        course = _save(form, lambda data: services.course_create(owner=request.user, **data))
        if course:
            messages.success(request, f"Created “{course.title}”. Share the join code with your students.")
            return redirect(course)
    return render(request, "classroom/course_form.html", {"form": form}, status=_status(form))


@login_required
def course_join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        course = _save(form, lambda data: services.course_join(user=request.user, code=data["code"]))
        if course:
            messages.success(request, f"You joined “{course.title}”.")
            return redirect(course)
    return render(request, "classroom/join.html", {"form": form}, status=_status(form))


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user, pk)
    teacher = can_teach(request.user, course)
    assignments = selectors.assignments_for(request.user, course)
    context = {
        "course": course,
        "is_teacher": teacher,
        # Students see where they stand on each assignment: their latest submission.
        "assignments": [(a, None if teacher else selectors.latest_submission(a, request.user)) for a in assignments],
        "now": timezone.now(),
    }
    if teacher:
        context |= {
            "memberships": selectors.memberships_of(course),
            "co_teachers": course.co_teachers.order_by("username"),
            "co_teacher_form": CoTeacherForm(),
            "join_url": request.build_absolute_uri(
                reverse("classroom:course_join") + "?" + urlencode({"code": course.join_code})
            ),
        }
    return render(request, "classroom/course_detail.html", context)


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST":
        if _save(form, lambda data: services.course_update(course=course, by=request.user, **data)):
            messages.success(request, "Saved.")
            return redirect(course)
    return render(request, "classroom/course_form.html", {"form": form, "course": course}, status=_status(form))


@login_required
@require_POST
def course_code(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    action = request.POST.get("action")
    if action == "regenerate":
        services.join_code_regenerate(course=course, by=request.user)
        messages.success(request, "New join code: the old one no longer works.")
    elif action in ("enable", "disable"):
        services.join_code_set_enabled(course=course, by=request.user, enabled=action == "enable")
        messages.success(request, "Joining is on." if action == "enable" else "Joining is off.")
    return redirect(course)


@login_required
@require_POST
def course_archive(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    archived = request.POST.get("archived") == "1"
    services.course_set_archived(course=course, by=request.user, archived=archived)
    messages.success(request, "Course archived." if archived else "Course restored.")
    return redirect(course)


@login_required
@require_POST
def student_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    student = get_object_or_404(selectors.students_of(course), pk=user_pk)
    services.student_remove(course=course, by=request.user, student=student)
    messages.success(request, f"Removed {student.username} from the course.")
    return redirect(course)


@login_required
@require_POST
def co_teacher_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    form = CoTeacherForm(request.POST)
    user = _save(form, lambda data: services.co_teacher_add(course=course, by=request.user, **data))
    if user:
        messages.success(request, f"{user.username} now teaches this course with you.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(course)


@login_required
@require_POST
def co_teacher_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    user = get_object_or_404(course.co_teachers, pk=user_pk)
    services.co_teacher_remove(course=course, by=request.user, user=user)
    messages.success(request, f"{user.username} no longer teaches this course.")
    return redirect(course)


# A spreadsheet runs a cell starting with one of these as a formula; a leading ' shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """A name or title people typed, written to the CSV so no spreadsheet takes it for a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@login_required
@require_GET
def grades_csv(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    assignments, rows = selectors.grade_table(course)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grades-course-{course.pk}.csv"'
    writer = csv.writer(response)
    titles = (as_text_cell(f"{a.title} (/{a.max_points})") for a in assignments)
    writer.writerow(["student", "email", *titles, "total"])
    for row in rows:
        student = [as_text_cell(row.student.username), as_text_cell(row.student.email)]
        writer.writerow([*student, *map(points, row.points), points(row.total)])
    return response


@login_required
def class_gallery(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user, pk)
    return render(
        request,
        "classroom/gallery.html",
        {"course": course, "submissions": selectors.gallery_submissions(request.user, course)},
    )


# --- Assignments -----------------------------------------------------------------------------


def _assignment_data(data: dict) -> dict:
    return {**data, "styles": list(data["styles"])}


@login_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for_teacher(request.user, pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = AssignmentForm(
        request.POST or None,
        style_choices=selectors.style_uploads_for_assignment(request.user),
        initial={"opens_at": now, "due_at": now + timezone.timedelta(days=7)},
    )
    if request.method == "POST":
        assignment = _save(
            form,
            lambda data: services.assignment_create(course=course, by=request.user, **_assignment_data(data)),
        )
        if assignment:
            messages.success(request, f"Created “{assignment.title}”.")
            return redirect(assignment)
    return render(request, "classroom/assignment_form.html", {"form": form, "course": course}, status=_status(form))


@login_required
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for_teacher(request.user, pk)
    form = AssignmentForm(
        request.POST or None,
        instance=assignment,
        style_choices=selectors.style_uploads_for_assignment(request.user, assignment),
    )
    if request.method == "POST":
        # The ModelForm writes cleaned values onto its instance while validating; the service
        # gets a freshly loaded row, so the unsaved edits never leak into what it checks.
        saved = _save(
            form,
            lambda data: services.assignment_update(
                assignment=selectors.assignment_for_teacher(request.user, pk), by=request.user, **_assignment_data(data)
            ),
        )
        if saved:
            messages.success(request, "Saved.")
            return redirect(saved)
    context = {"form": form, "course": assignment.course, "assignment": assignment}
    return render(request, "classroom/assignment_form.html", context, status=_status(form))


def _assignment_page(
    request: HttpRequest, assignment: Assignment, form: SubmissionForm | None = None, status: int = 200
) -> HttpResponse:
    course = assignment.course
    teacher = can_teach(request.user, course)
    context = {
        "assignment": assignment,
        "course": course,
        "is_teacher": teacher,
        "now": timezone.now(),
        "algorithm": algorithms.REGISTRY.get(assignment.algorithm),
        "styles": assignment.styles.all(),
    }
    if teacher:
        context["submitted_count"] = selectors.latest_submissions(assignment).count()
        context["student_count"] = selectors.students_of(course).count()
    else:
        context |= {
            "history": selectors.submission_history(assignment, request.user),
            "grade": selectors.grade_for(request.user, assignment, request.user),
            "form": form or SubmissionForm(student=request.user),
            "closed_reason": services.submission_closed_reason(assignment=assignment, student=request.user),
        }
    return render(request, "classroom/assignment_detail.html", context, status=status)


@login_required
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_page(request, selectors.assignment_for(request.user, pk))


def _assignment_for_student(request: HttpRequest, pk: int) -> Assignment:
    assignment = selectors.assignment_for(request.user, pk)
    if not can_hand_in(request.user, assignment):
        raise Http404("No such assignment.")  # teachers hand nothing in
    return assignment


@login_required
@require_POST
def assignment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_student(request, pk)
    form = SubmissionForm(request.POST, student=request.user)
    submission = _save(
        form,
        lambda data: services.submission_create(
            assignment=assignment, student=request.user, results=list(data["results"]), statement=data["statement"]
        ),
    )
    if submission:
        messages.success(request, "Handed in." + (" It is marked late." if submission.is_late else ""))
        return redirect(assignment)
    return _assignment_page(request, assignment, form, status=400)


@login_required
@require_POST
def assignment_use_styles(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the provided styles into the student's uploads and open the job form with them."""
    assignment = _assignment_for_student(request, pk)
    copies = services.provided_styles_copy(assignment=assignment, student=request.user)
    query: dict[str, Any] = {"style": [copy.pk for copy in copies]}
    if assignment.algorithm:
        query["algorithm"] = assignment.algorithm
    messages.info(request, "The assignment's styles are now in your uploads.")
    return redirect(reverse("studio:job_create") + "?" + urlencode(query, doseq=True))


@login_required
@require_GET
def provided_style_file(request: HttpRequest, pk: int, upload_pk: int, variant: str) -> HttpResponse:
    assignment = selectors.assignment_for(request.user, pk)
    return image_or_thumb(selectors.provided_style_for(request.user, assignment, upload_pk), variant)


@login_required
@require_GET
def review_grid(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for_teacher(request.user, pk)
    submissions = list(selectors.latest_submissions(assignment))
    grades = selectors.grades_of(assignment)
    submitted = {s.student_id for s in submissions}
    missing = [m.student for m in selectors.memberships_of(assignment.course) if m.student_id not in submitted]
    rows = [(s, grades.get(s.student_id)) for s in submissions]
    return render(
        request,
        "classroom/review_grid.html",
        {"assignment": assignment, "course": assignment.course, "rows": rows, "missing": missing},
    )


@login_required
@require_POST
def grades_release(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for_teacher(request.user, pk)
    released = request.POST.get("released") == "1"
    services.grades_release(assignment=assignment, by=request.user, released=released)
    messages.success(request, "Grades released to students." if released else "Grades hidden from students.")
    return redirect("classroom:review_grid", pk=assignment.pk)


# --- Submissions -----------------------------------------------------------------------------


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for(request.user, pk)
    assignment = submission.assignment
    teacher = can_teach(request.user, assignment.course)
    grade = selectors.grade_for(request.user, assignment, submission.student)
    form = None
    if teacher:
        initial = {"points": grade.points, "feedback": grade.feedback} if grade else {}
        form = GradeForm(request.POST or None, max_points=assignment.max_points, initial=initial)
        if request.method == "POST":
            saved = _save(form, lambda data: services.grade_set(submission=submission, by=request.user, **data))
            if saved:
                messages.success(
                    request, f"Graded {submission.student.username}: {points(saved.points)}/{assignment.max_points}."
                )
                return redirect("classroom:review_grid", pk=assignment.pk)
    elif request.method == "POST":
        raise Http404("No such submission.")
    results = [(r, selectors.result_inputs(r)) for r in submission.results.all()]
    context = {
        "submission": submission,
        "assignment": assignment,
        "course": assignment.course,
        "is_teacher": teacher,
        "is_latest": selectors.is_latest(submission),
        "results": results,
        "grade": grade,
        "form": form,
        "history": selectors.submission_history(assignment, submission.student),
    }
    return render(request, "classroom/submission_detail.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def submission_show(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_teacher(request.user, pk)
    shown = request.POST.get("shown") == "1"
    services.submission_set_shown(submission=submission, by=request.user, shown=shown)
    messages.success(request, "Shown in the class gallery." if shown else "Hidden from the class gallery.")
    return redirect(submission)


@login_required
@require_GET
def submission_result_file(request: HttpRequest, pk: int, token: str, variant: str) -> HttpResponse:
    return image_or_thumb(selectors.submission_result_for(request.user, pk, token), variant)


@login_required
@require_GET
def submission_result_input(request: HttpRequest, pk: int, token: str, upload_pk: int, variant: str) -> HttpResponse:
    result = selectors.submission_result_for(request.user, pk, token)
    upload = next((u for u in selectors.result_inputs(result) if u.pk == upload_pk), None)
    if upload is None:
        raise Http404("No such image.")
    return image_or_thumb(upload, variant)
