from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gallery.classroom.models import StyleCopy
from gallery.studio import selectors as studio_selectors

pytestmark = pytest.mark.django_db


def test_a_student_gets_their_own_copy_of_the_styles_once_and_lands_on_the_job_form(
    assignment,
    provided_style,
    student,
    upload_factory,
    client,  # noqa: ANN001
) -> None:
    upload_factory(student, kind="content")  # the job form asks for a photo first
    client.force_login(student)
    url = reverse("classroom:assignment_use_styles", args=[assignment.pk])
    first = client.post(url)
    second = client.post(url)
    copy = StyleCopy.objects.get(owner=student, source=provided_style).copy
    assert copy.owner == student and copy.kind == "style"
    assert copy.image.name != provided_style.image.name
    assert studio_selectors.uploads_of(student, kind="style").count() == 1
    for response in (first, second):
        assert response["Location"] == f"{reverse('studio:job_create')}?style={copy.pk}"
    # The job form really offers it as the first style.
    assert re.search(
        rf'<input [^>]*name="style" value="{copy.pk}"[^>]*checked>', client.get(first["Location"]).content.decode()
    )


def test_every_provided_style_is_preselected_on_the_job_form(
    assignment_factory,
    provided_style,
    teacher,
    student,
    upload_factory,
    client,  # noqa: ANN001
) -> None:
    second_style = upload_factory(teacher, kind="style", name="waves.png")
    assignment = assignment_factory(styles=[provided_style, second_style])
    upload_factory(student, kind="content")
    client.force_login(student)
    response = client.post(reverse("classroom:assignment_use_styles", args=[assignment.pk]))
    copies = [StyleCopy.objects.get(owner=student, source=s).copy for s in (provided_style, second_style)]
    page = client.get(response["Location"]).content.decode()
    for copy in copies:
        assert re.search(rf'<input [^>]*name="style" value="{copy.pk}"[^>]*checked>', page)
