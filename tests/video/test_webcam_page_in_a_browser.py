"""A real browser with chromium's fake camera on the webcam page, served by `manage.py serve` (uvicorn, as
`./dev up` runs it): stylized frames arrive, the fps counter moves, Capture saves.
An anonymous visit is sent to the login page.

The screenshot goes to test-artifacts/webcam-page.png.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, FAKE_CAMERA_ARGS, client_for
from tests.helpers.asgi import Server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


@pytest.fixture
def asgi_server(site_server: Server) -> str:
    """`manage.py serve` (uvicorn, as `./dev up` runs it) on the test database and media folder."""
    return site_server.url


@pytest.fixture
def page(launch_browser):  # noqa: ANN001, ANN201
    """A page in chromium with its fake camera (a moving test pattern) and no permission prompt."""
    context = launch_browser(*FAKE_CAMERA_ARGS).new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "webcam-last-page.png", full_page=True)  # where a failing test stopped
    context.close()


def test_the_webcam_page_shows_live_stylized_frames(asgi_server, page, owner, style_model_factory) -> None:  # noqa: ANN001
    from gallery.studio.models import Result

    model = style_model_factory("johnson", name="Tiny mosaic")
    # signed in through a session row in the shared database (the server hashes passwords its own way)
    session = client_for(owner).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
    page.goto(f"{asgi_server}/webcam/")
    assert page.locator("#style-choice option").first.inner_text().startswith(model.name)
    assert "320 pixels wide" in page.locator("#cpu-notice").inner_text()  # no GPU here: it says so

    page.wait_for_function("() => document.getElementById('styled').src.startsWith('blob:')")
    first = page.locator("#styled").get_attribute("src")
    page.wait_for_function(f"() => document.getElementById('styled').src !== {first!r}")
    page.wait_for_function("() => Number(document.getElementById('fps').dataset.fps || 0) > 0")
    size = page.evaluate(
        "[document.getElementById('styled').naturalWidth, document.getElementById('styled').naturalHeight]"
    )
    assert size[0] == 320 and size[1] > 0

    page.get_by_role("button", name="Capture").click()
    page.get_by_role("link", name="Saved").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "webcam-page.png", full_page=True)
    assert Result.objects.filter(owner=owner, algorithm="johnson").count() == 1


def test_without_a_camera_the_page_says_so_instead_of_a_broken_picture(
    asgi_server,
    launch_browser,
    owner,
    style_model_factory,  # noqa: ANN001
) -> None:
    style_model_factory("johnson", name="Tiny mosaic")
    context = launch_browser().new_context(viewport={"width": 1200, "height": 900})  # no fake camera
    try:
        session = client_for(owner).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
        page = context.new_page()
        page.goto(f"{asgi_server}/webcam/")
        page.locator("#no-camera").wait_for(timeout=30_000)
        assert page.locator("#no-camera").inner_text().startswith("No camera: ")
        assert page.locator("#styled").is_hidden() and page.locator("#camera").is_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "webcam-no-camera.png", full_page=True)
    finally:
        context.close()


def test_anonymous_visitors_are_sent_to_log_in(asgi_server, page) -> None:  # noqa: ANN001
    page.goto(f"{asgi_server}/webcam/")
    assert "/accounts/login/" in page.url


def test_a_video_result_plays_and_seeks_in_the_browser(asgi_server, page, owner, video_result_factory) -> None:  # noqa: ANN001
    result = video_result_factory(owner)
    session = client_for(owner).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
    page.goto(f"{asgi_server}{result.get_absolute_url()}")
    page.wait_for_function("() => document.querySelector('.result-video').readyState >= 2")
    duration = page.evaluate("document.querySelector('.result-video').duration")
    assert duration == pytest.approx(8 / 12, abs=0.1)
    page.evaluate("document.querySelector('.result-video').currentTime = 0.4")  # seeking needs Range answers
    page.wait_for_function("() => !document.querySelector('.result-video').seeking")
    assert page.evaluate("document.querySelector('.result-video').error") is None
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "video-result-page.png", full_page=True)
