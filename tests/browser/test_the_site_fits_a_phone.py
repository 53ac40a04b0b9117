"""A real browser at a phone's size (390×844): no page scrolls sideways, the top menu folds behind a
Menu button that opens and closes (Escape too), the webcam page is in it, wide screens keep the menu
on one line, and without JavaScript the menu is simply listed.

Screenshots go to test-artifacts/mobile-*.png: every page checked (mobile-page-*.png, the job form
among them), the menu closed and open, the wide menu and the page without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, client_for
from tests.stylemodels.conftest import style_model_factory  # noqa: F401  a fixture used here

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

PHONE = {"width": 390, "height": 844}

# null if the page fits the window; else how wide it is and the elements sticking out (what to fix).
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .map((el) => `${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)})`);
  return `${document.documentElement.scrollWidth} px wide: ${wide.slice(0, 6).join(", ")}`;
}"""


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"mobile-{name}.png", full_page=True)


def sign_in(context, live_server, user) -> None:  # noqa: ANN001
    """A session made by the test client, in the shared database (quicker than the login form)."""
    session = client_for(user).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def menu_button(page):  # noqa: ANN001, ANN201
    return page.get_by_role("button", name="Menu", exact=True)


def nav_link(page, name: str):  # noqa: ANN001, ANN201
    """The top menu's link, found whether the menu is open or not."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True, include_hidden=True)


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., Any]]:  # noqa: ANN001
    """new_context(**options) -> a browser context, phone-sized unless told otherwise; closed after the test."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        made.append(browser.new_context(**{"viewport": PHONE, **options}))
        return made[-1]

    yield make
    for context in made:
        context.close()


@pytest.fixture
def phone_page(new_context, live_server, owner):  # noqa: ANN001, ANN201
    """The owner's studio on a phone."""
    context = new_context()
    sign_in(context, live_server, owner)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/studio/")
    return page


def test_no_page_scrolls_sideways_on_a_phone(
    new_context,
    live_server,
    owner,
    upload_factory,
    result_factory,
    style_model_factory,  # noqa: F811
) -> None:  # noqa: ANN001
    from gallery.classroom import services as classroom
    from gallery.studio import services as studio

    upload_factory(owner, kind="content", name="a rather long photo name from the phone camera.png")
    upload_factory(owner, kind="style", name="starry night.png")
    result = result_factory(owner, visibility="public", title="Harbour at dusk × starry night")
    album = studio.album_create(owner=owner, title="Holiday pictures")
    studio.album_add_result(album=album, result=result, by=owner)
    classroom.course_create(owner=owner, title="Neural style for art students", term="Spring 2027")
    style_model_factory("johnson", name="Tiny mosaic")  # the webcam page shows its controls

    anonymous = {"home": "/", "gallery": "/gallery/", "sign-in": "/accounts/login/", "sign-up": "/accounts/signup/"}
    signed_in = {
        "studio": "/studio/",
        "uploads": "/uploads/",
        "upload-form": "/uploads/new/",
        "jobs": "/jobs/",
        "job-form": "/jobs/new/",  # with a photo and a style to choose from
        "job-detail": result.job.get_absolute_url(),
        "result-detail": result.get_absolute_url(),
        "my-results": "/results/",
        "albums": "/albums/",
        "album-detail": album.get_absolute_url(),
        "compare": "/compare/",
        "videos": "/videos/",
        "webcam": "/webcam/",
        "classroom": "/classroom/",
    }
    context = new_context()
    page = context.new_page()
    overflowing = {}
    for pages in (anonymous, signed_in):
        if pages is signed_in:
            sign_in(context, live_server, owner)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            shot(page, f"page-{name}")
            if found := page.evaluate(OVERFLOW):
                overflowing[name] = found
    assert page.get_by_role("heading", name="Classroom").is_visible()  # signed in: the pages, not the login form
    assert not overflowing, f"pages wider than a {PHONE['width']} px phone: {overflowing}"


def test_the_menu_button_opens_and_closes_the_menu(phone_page) -> None:  # noqa: ANN001
    page = phone_page
    button = menu_button(page)
    menu = page.locator(f"#{button.get_attribute('aria-controls')}")
    uploads = menu.get_by_role("link", name="Uploads", exact=True, include_hidden=True)
    assert button.get_attribute("aria-expanded") == "false"
    assert uploads.count() == 1 and uploads.is_hidden()
    shot(page, "menu-closed")

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert uploads.is_visible() and menu.get_by_role("link", name="New job").is_visible()
    assert page.evaluate(OVERFLOW) is None
    shot(page, "menu-open")

    button.click()
    assert button.get_attribute("aria-expanded") == "false" and uploads.is_hidden()

    button.click()
    uploads.focus()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and uploads.is_hidden()
    assert button.evaluate("el => el === document.activeElement")  # focus goes back to the button


def test_the_webcam_page_is_one_tap_away_in_the_menu(phone_page, live_server) -> None:  # noqa: ANN001
    page = phone_page
    webcam = nav_link(page, "Webcam")
    assert webcam.count() == 1 and webcam.is_hidden()
    menu_button(page).click()
    webcam.click()
    page.get_by_role("heading", name="Live webcam").wait_for()
    assert page.url == f"{live_server.url}/webcam/"
    assert webcam.get_attribute("aria-current") == "page"
    assert nav_link(page, "Videos").get_attribute("aria-current") is None


def test_on_a_wide_screen_the_menu_stays_on_one_line_without_a_button(new_context, live_server, owner) -> None:  # noqa: ANN001
    context = new_context(viewport={"width": 1200, "height": 800})
    sign_in(context, live_server, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}/studio/")
    assert menu_button(page).is_hidden()
    assert nav_link(page, "Webcam").is_visible()
    tops = page.locator(".nav-links a").evaluate_all("links => links.map((a) => a.getBoundingClientRect().top)")
    assert len(tops) == 10 and len(set(tops)) == 1, f"the menu's links are not on one line: {tops}"
    shot(page, "wide-menu")


def test_without_javascript_the_menu_is_listed(new_context, live_server, owner) -> None:  # noqa: ANN001
    context = new_context(java_script_enabled=False)
    sign_in(context, live_server, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}/studio/")
    assert menu_button(page).is_hidden()
    assert nav_link(page, "Webcam").is_visible() and nav_link(page, "New job").is_visible()
    assert page.evaluate(OVERFLOW) is None
    shot(page, "no-javascript")
