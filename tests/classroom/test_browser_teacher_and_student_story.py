"""The whole story in a real browser: a teacher sets up a course and an assignment, a student
joins with the code and hands in a result, the teacher grades it and releases the grades."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, PASSWORD


def _log_in(browser, live_server, user):  # noqa: ANN001, ANN202
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/classroom/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url("**/classroom/")
    return page


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays at the top of the picture
    page.screenshot(path=str(ARTIFACTS / f"classroom-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_teacher_sets_work_a_student_hands_it_in_and_sees_the_released_grade(
    browser,
    live_server,
    teacher,
    student,
    upload_factory,
    result_factory,  # noqa: ANN001
) -> None:
    upload_factory(teacher, kind="style", name="starry night.png")
    result_factory(student, title="Quad in starry style")

    # The teacher creates a course and a published assignment with a provided style.
    tpage = _log_in(browser, live_server, teacher)
    tpage.click("text=New course")
    tpage.fill("#id_title", "Neural style 101")
    tpage.fill("#id_term", "Spring 2027")
    tpage.fill("#id_description", "Style transfer for art students.")
    tpage.click("button:has-text('Create course')")
    code = tpage.inner_text(".join-code").strip()
    assert len(code) == 8
    _shot(tpage, "1-teacher-course")
    tpage.click("text=New assignment")
    tpage.fill("#id_title", "Paint the quad")
    tpage.fill("#id_instructions", "Use the provided style on a photo of the quad.")
    tpage.check("text=starry night")
    tpage.check("#id_published")
    _shot(tpage, "2-teacher-assignment-form")
    tpage.click("button:has-text('Create assignment')")
    assert tpage.inner_text("h1") == "Paint the quad"

    # The student joins with the code and hands in their (private) result.
    spage = _log_in(browser, live_server, student)
    _shot(spage, "0-student-classroom")
    spage.fill("#id_code", code.lower())
    spage.click("aside button:has-text('Join')")
    spage.wait_for_selector("text=You joined")
    _shot(spage, "3-student-course")
    spage.click("text=Paint the quad")
    spage.check("text=Quad in starry style")
    spage.fill("#id_statement", "I kept the colours of the original.")
    spage.click("button:has-text('Hand in')")
    spage.wait_for_selector("text=Handed in.")
    assert "Your teacher has not released grades yet." in spage.inner_text(".grade-box")
    _shot(spage, "4-student-handed-in")

    # The teacher reviews it side by side and grades it, then releases the grades.
    tpage.click("text=Review submissions")
    tpage.click(f"text={student.username}")
    assert tpage.locator(".compare figure").count() == 3  # photo, style, result
    tpage.wait_for_load_state("load")
    assert tpage.locator(".compare img").evaluate_all("imgs => imgs.every(i => i.naturalWidth > 0)")
    _shot(tpage, "5-teacher-review")
    tpage.fill("#id_points", "8.5")
    tpage.fill("#id_feedback", "Lovely colours; push the style weight further.")
    tpage.click("button:has-text('Save grade')")
    tpage.wait_for_selector("text=8.5/10")
    _shot(tpage, "6-teacher-grid")
    tpage.click("button:has-text('Release grades')")
    tpage.wait_for_selector("text=Grades released to students.")

    # The student now sees the grade and the feedback.
    spage.reload()
    grade = spage.inner_text(".grade-box")
    assert "8.5" in grade and "push the style weight further" in grade
    _shot(spage, "7-student-grade")
