"""A real browser with chromium's fake camera on the webcam page, served by `manage.py serve` (uvicorn, as
`./dev up` runs it): stylized frames arrive, the fps counter moves, Capture saves; Record / Stop saves the
stylized video and links to it, on a wide screen and a phone's. An anonymous visit is sent to the login page.

The screenshots go to test-artifacts/webcam-page.png, webcam-recording.png and webcam-recorded-phone.png.
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


def test_record_and_stop_save_the_stylized_video(asgi_server, page, owner, style_model_factory) -> None:  # noqa: ANN001
    from gallery.studio.models import Result

    style_model_factory("johnson", name="Tiny mosaic")
    session = client_for(owner).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
    page.goto(f"{asgi_server}/webcam/")
    state = page.locator("#record-state")
    assert state.inner_text() == "Record saves the stylized video (up to 60 seconds) in your results."
    stop = page.get_by_role("button", name="Stop recording and save")
    record = page.get_by_role("button", name="Record the stylized video")
    assert stop.is_disabled()
    page.wait_for_function("() => !document.getElementById('record').disabled")  # once frames come back

    record.click()
    page.wait_for_function("() => document.getElementById('record-state').textContent.startsWith('Recording 0:01…')")
    assert record.is_disabled() and stop.is_enabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "webcam-recording.png", full_page=True)
    stop.click()
    link = state.get_by_role("link", name="Webcam recording × Tiny mosaic")
    link.wait_for()
    result = Result.objects.get(owner=owner)
    assert link.get_attribute("href") == result.get_absolute_url()
    assert state.inner_text().startswith("Saved: Webcam recording × Tiny mosaic (")
    assert result.video.frames >= 2 and record.is_enabled() and stop.is_disabled()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the controls wrap, nothing sticks out
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=ARTIFACTS / "webcam-recorded-phone.png", full_page=True)
    link.click()
    page.locator(".result-video").wait_for()  # the saved recording's page plays it
    page.wait_for_function("() => document.querySelector('.result-video').readyState >= 2")
    assert page.evaluate("document.querySelector('.result-video').error") is None


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
