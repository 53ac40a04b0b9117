"""Classroom: courses, assignments, submissions and grades, with the pages' rules.

Every read goes through gallery.classroom.selectors and every write through its services, so a
student of another course gets the same 404 here as on the pages, and grades stay hidden from
students until the teacher releases them.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from gallery.classroom import selectors, services
from gallery.classroom.models import Assignment, Course, Grade, Submission
from gallery.classroom.permissions import can_hand_in, can_teach, role
from gallery.studio.models import Result, Upload

from ..errors import error_responses
from .base import Api, FileApi, ListApi, PageUrlField, file_responses, id_field, url

TAGS = ["classroom"]


# --- Serializers -----------------------------------------------------------------------------


class CourseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    term = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(source="owner.username")
    role = serializers.SerializerMethodField(help_text="Your part in it: teacher or student.")
    archived = serializers.BooleanField()
    join_code = serializers.SerializerMethodField(help_text="Teachers only (null for students).")
    join_enabled = serializers.BooleanField()
    page_url = PageUrlField()
    assignments_url = serializers.SerializerMethodField()

    def get_role(self, course: Course) -> str | None:
        return role(self.context["request"].user, course)

    def get_join_code(self, course: Course) -> str | None:
        return course.join_code if can_teach(self.context["request"].user, course) else None

    def get_assignments_url(self, course: Course) -> str:
        return url(self.context["request"], "classroom_assignments", course.pk)


class CourseInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    term = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class JoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class ProvidedStyleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class AssignmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    title = serializers.CharField()
    instructions = serializers.CharField(allow_blank=True)
    algorithm = serializers.CharField(allow_blank=True, help_text="Required algorithm, or empty for any.")
    styles = ProvidedStyleSerializer(many=True, read_only=True, help_text="Style images the teacher provides.")
    opens_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    late_policy = serializers.ChoiceField(choices=Assignment.LatePolicy.choices)
    max_points = serializers.IntegerField()
    published = serializers.BooleanField()
    grades_released = serializers.BooleanField()
    page_url = PageUrlField()
    submissions_url = serializers.SerializerMethodField()

    def get_submissions_url(self, assignment: Assignment) -> str:
        return url(self.context["request"], "classroom_submissions", assignment.pk)


class AssignmentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    algorithm = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text='An algorithm name (gatys, denoise, johnson, chen); "" = any.',
    )
    styles = serializers.ListField(
        child=id_field(), required=False, default=list, max_length=10, help_text="Ids of your style uploads."
    )
    opens_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    late_policy = serializers.ChoiceField(choices=Assignment.LatePolicy.choices, default=Assignment.LatePolicy.MARKED)
    max_points = serializers.IntegerField(min_value=1, default=10)
    published = serializers.BooleanField(default=False)


class SubmittedResultSerializer(serializers.Serializer):
    token = serializers.CharField(source="share_token")
    title = serializers.CharField()
    algorithm = serializers.CharField()
    params = serializers.DictField()
    image_url = serializers.SerializerMethodField()

    def get_image_url(self, result: Result) -> str:
        submission = self.context["submission"]
        return url(self.context["request"], "classroom_submission_result", submission.pk, result.share_token)


class GradeOutputSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    feedback = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField()


class SubmissionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    student = serializers.CharField(source="student.username")
    statement = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    is_late = serializers.BooleanField()
    shown_in_gallery = serializers.BooleanField()
    results = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField(help_text="Null until the teacher releases grades (always for teachers).")

    @extend_schema_field(SubmittedResultSerializer(many=True))
    def get_results(self, submission: Submission) -> list:
        context = {**self.context, "submission": submission}
        return SubmittedResultSerializer(submission.results.all(), many=True, context=context).data

    @extend_schema_field(GradeOutputSerializer(allow_null=True))
    def get_grade(self, submission: Submission) -> dict | None:
        grade = selectors.grade_for(self.context["request"].user, submission.assignment, submission.student)
        return GradeOutputSerializer(grade).data if grade else None


class SubmissionInputSerializer(serializers.Serializer):
    results = serializers.ListField(child=serializers.CharField(), help_text="Tokens of your results.")
    statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class GradeInputSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


class ReleaseInputSerializer(serializers.Serializer):
    released = serializers.BooleanField(default=True)


class GradeRowSerializer(serializers.Serializer):
    student = serializers.CharField(source="student.username")
    assignment = serializers.IntegerField(source="assignment_id")
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    feedback = serializers.CharField(allow_blank=True)


# --- Courses ---------------------------------------------------------------------------------


class CourseListApi(ListApi):
    @extend_schema(
        operation_id="classroom_courses_list",
        responses={200: CourseOutputSerializer(many=True), **error_responses()},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """Courses you teach or study in."""
        return self.paginated(selectors.courses_of(request.user), CourseOutputSerializer)


class CourseCreateApi(Api):
    @extend_schema(
        operation_id="classroom_courses_create",
        request=CourseInputSerializer,
        responses={201: CourseOutputSerializer, **error_responses(400)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Create a course: you are its teacher."""
        course = services.course_create(owner=request.user, **self.body(CourseInputSerializer))
        return self.created(CourseOutputSerializer, course)


class CoursesApi(CourseListApi, CourseCreateApi):
    pass


class CourseJoinApi(Api):
    @extend_schema(
        operation_id="classroom_courses_join",
        request=JoinInputSerializer,
        responses={200: CourseOutputSerializer, **error_responses(400)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Join a course as a student with its join code."""
        course = services.course_join(user=request.user, code=self.body(JoinInputSerializer)["code"])
        return Response(self.out(CourseOutputSerializer, course))


class CourseApi(Api):
    @extend_schema(
        operation_id="classroom_courses_retrieve",
        responses={200: CourseOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.out(CourseOutputSerializer, selectors.course_for(request.user, pk)))


class CourseGradesApi(ListApi):
    @extend_schema(
        operation_id="classroom_course_grades",
        responses={200: GradeRowSerializer(many=True), **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """Teachers: every grade of the course. Students: their own, for assignments whose grades are released."""
        course = selectors.course_for(request.user, pk)
        grades = (
            Grade.objects.filter(assignment__course=course)
            .select_related("student")
            .order_by("assignment__due_at", "assignment_id", "student__username")
        )
        if not can_teach(request.user, course):
            grades = grades.filter(student_id=request.user.pk, assignment__grades_released=True)
        return self.paginated(grades, GradeRowSerializer)


# --- Assignments -----------------------------------------------------------------------------


class AssignmentListApi(ListApi):
    @extend_schema(
        operation_id="classroom_assignments_list",
        responses={200: AssignmentOutputSerializer(many=True), **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """A course's assignments (students see the published ones)."""
        course = selectors.course_for(request.user, pk)
        return self.paginated(
            selectors.assignments_for(request.user, course).prefetch_related("styles"), AssignmentOutputSerializer
        )


class AssignmentCreateApi(Api):
    @extend_schema(
        operation_id="classroom_assignments_create",
        request=AssignmentInputSerializer,
        responses={201: AssignmentOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Teachers: set an assignment."""
        course = selectors.course_for_teacher(request.user, pk)
        data = self.body(AssignmentInputSerializer)
        styles = list(Upload.objects.filter(pk__in=data["styles"]))
        if len(styles) != len(set(data["styles"])):
            raise serializers.ValidationError({"styles": ["Choose style images from your own uploads."]})
        assignment = services.assignment_create(course=course, by=request.user, **{**data, "styles": styles})
        return self.created(AssignmentOutputSerializer, assignment)


class AssignmentsApi(AssignmentListApi, AssignmentCreateApi):
    pass


class AssignmentApi(Api):
    @extend_schema(
        operation_id="classroom_assignments_retrieve",
        responses={200: AssignmentOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.out(AssignmentOutputSerializer, selectors.assignment_for(request.user, pk)))


class GradesReleaseApi(Api):
    @extend_schema(
        operation_id="classroom_grades_release",
        request=ReleaseInputSerializer,
        responses={200: AssignmentOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Teachers: show (or hide again) the assignment's grades and feedback to students."""
        assignment = selectors.assignment_for_teacher(request.user, pk)
        released = self.body(ReleaseInputSerializer)["released"]
        assignment = services.grades_release(assignment=assignment, by=request.user, released=released)
        return Response(self.out(AssignmentOutputSerializer, assignment))


# --- Submissions -----------------------------------------------------------------------------


class SubmissionListApi(ListApi):
    @extend_schema(
        operation_id="classroom_submissions_list",
        responses={200: SubmissionOutputSerializer(many=True), **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        """Teachers: the latest submission of each student. Students: their own history, newest first."""
        assignment = selectors.assignment_for(request.user, pk)
        if can_teach(request.user, assignment.course):
            submissions = selectors.latest_submissions(assignment)
        else:
            submissions = selectors.submission_history(assignment, request.user)
        return self.paginated(submissions, SubmissionOutputSerializer)


class SubmissionCreateApi(Api):
    @extend_schema(
        operation_id="classroom_submissions_create",
        request=SubmissionInputSerializer,
        responses={201: SubmissionOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Students: hand in some of your results (again: the newest counts)."""
        assignment = selectors.assignment_for(request.user, pk)
        if not can_hand_in(request.user, assignment):
            raise NotFound("No such assignment.")
        data = self.body(SubmissionInputSerializer)
        results = list(Result.objects.filter(share_token__in=data["results"]))
        if len(results) != len(set(data["results"])):
            raise serializers.ValidationError({"results": ["Choose from your own results."]})
        submission = services.submission_create(
            assignment=assignment, student=request.user, results=results, statement=data["statement"]
        )
        return self.created(SubmissionOutputSerializer, selectors.submission_for(request.user, submission.pk))


class SubmissionsApi(SubmissionListApi, SubmissionCreateApi):
    pass


class SubmissionApi(Api):
    @extend_schema(
        operation_id="classroom_submissions_retrieve",
        responses={200: SubmissionOutputSerializer, **error_responses(404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.out(SubmissionOutputSerializer, selectors.submission_for(request.user, pk)))


class SubmissionGradeApi(Api):
    @extend_schema(
        operation_id="classroom_submissions_grade",
        request=GradeInputSerializer,
        responses={200: GradeOutputSerializer, **error_responses(400, 404)},
        tags=TAGS,
    )
    def put(self, request: Request, pk: int) -> Response:
        """Teachers: points and feedback for the submission's student on its assignment."""
        submission = selectors.submission_for_teacher(request.user, pk)
        grade = services.grade_set(submission=submission, by=request.user, **self.body(GradeInputSerializer))
        return Response(self.out(GradeOutputSerializer, grade))


class SubmissionResultFileApi(FileApi):
    @extend_schema(
        operation_id="classroom_submission_result_image",
        responses=file_responses("image/png"),
        tags=TAGS,
    )
    def get(self, request: Request, pk: int, token: str) -> Response:
        """A submitted result's image, for the student and the course's teachers (even if private)."""
        return self.file(selectors.submission_result_for(request.user, pk, token).image)
