"""Who may do what in a course: the one place the pages and the API ask.

A course's owner and co-teachers are its teachers (same rights). Its students see the course,
its published assignments, their own submissions, their grades once released, and the class
gallery. Everyone else sees nothing of it: selectors answer 404, so a course's existence does
not leak to another course's students.
"""

from __future__ import annotations

from gallery.core.users import User

from .models import Assignment, Course, Submission


def is_teacher(user: User, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    return course.owner_id == user.pk or course.co_teachers.filter(pk=user.pk).exists()


def is_student(user: User, course: Course) -> bool:
    return bool(user.is_authenticated and course.memberships.filter(student_id=user.pk).exists())


def role(user: User, course: Course) -> str | None:
    """ "teacher", "student" or None (no relation to the course)."""
    if is_teacher(user, course):
        return "teacher"
    if is_student(user, course):
        return "student"
    return None


def can_view_course(user: User, course: Course) -> bool:
    return role(user, course) is not None


def can_teach(user: User, course: Course) -> bool:
    """Change the course, its assignments and students; see and grade every submission."""
    return is_teacher(user, course)


def can_view_assignment(user: User, assignment: Assignment) -> bool:
    course_role = role(user, assignment.course)
    return course_role == "teacher" or (course_role == "student" and assignment.published)


def can_hand_in(user: User, assignment: Assignment) -> bool:
    """Students of the course hand in work for its published assignments (dates: services.py)."""
    return assignment.published and is_student(user, assignment.course)


def can_view_submission(user: User, submission: Submission) -> bool:
    if submission.student_id == user.pk and is_student(user, submission.assignment.course):
        return True
    return is_teacher(user, submission.assignment.course)


def can_see_grade(user: User, assignment: Assignment, student_id: int) -> bool:
    """Teachers always; a student their own, once the teacher released the assignment's grades."""
    if is_teacher(user, assignment.course):
        return True
    return assignment.grades_released and user.pk == student_id and is_student(user, assignment.course)


def can_view_in_gallery(user: User, submission: Submission) -> bool:
    """The class gallery: what the teacher chose to show, to the whole class."""
    return submission.shown_in_gallery and can_view_course(user, submission.assignment.course)
