"""Every main page carries a strict Content-Security-Policy (scripts from this site's files only, never inline)
and a real browser reports no violation of it on any of them, while their scripts still work: the menu
button, the job form's sections, the job page's polling, the result's strength slider, upload previews
(blob: images), the webcam's socket to this host, the admin and Swagger UI (/api/docs/).

Violations are caught twice: the page's `securitypolicyviolation` events and chromium's console messages.
A first test injects an inline script to show both catch one. Screenshots: test-artifacts/csp-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, client_for, image_bytes
from tests.stylemodels.conftest import style_model_factory  # noqa: F401  a fixture used here

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


class Watched:
    """A page whose CSP violations (events and console) are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        self.sockets: list[str] = []
        page.on("console", self._console)
        page.on("websocket", lambda socket: self.sockets.append(socket.url))
        page.add_init_script(RECORD_VIOLATIONS)  # injected by the browser, so the policy does not apply to it

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def open(self, url: str) -> Any:
        response = self.page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        return response

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.cspViolations"), *self.console]


@pytest.fixture
def watched(browser, live_server) -> Iterator[Any]:  # noqa: ANN001
    """watched(user=None) -> a Watched page in its own context, signed in as `user` if given."""
    contexts: list[Any] = []

    def make(user: Any = None) -> Watched:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        if user is not None:
            session = client_for(user).cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        return Watched(page)

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"csp-{name}.png", full_page=True)


def test_an_inline_script_is_blocked_and_reported(watched, live_server) -> None:  # noqa: ANN001
    watched = watched()
    watched.open(f"{live_server.url}/")
    watched.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    watched.page.wait_for_function("() => window.cspViolations.length > 0")
    assert watched.page.evaluate("window.injected") is None
    assert any("script-src" in v for v in watched.violations())


def test_the_main_pages_report_no_violation_and_their_scripts_work(
    watched,
    live_server,
    owner,
    staff_user,
    upload_factory,
    layered_result,
    result_factory,
    style_model_factory,  # noqa: F811
) -> None:  # noqa: ANN001
    from gallery.studio.models import Job

    style_model_factory("johnson", name="Tiny mosaic")  # the webcam page shows its camera with one
    upload_factory(owner, kind="style", name="stripes.png")
    queued = Job.objects.create(owner=owner, algorithm="gatys", content=upload_factory(owner, name="harbour.png"))
    result_factory(owner, visibility="public", title="Harbour at dusk")
    url = live_server.url
    failures: dict[str, list[str]] = {}

    def check(watched: Watched, name: str, path: str, works: Any = None) -> None:
        watched.open(f"{url}{path}")
        if works:
            works(watched.page)
        shot(watched.page, name)
        if found := watched.violations():
            failures[name] = found

    def menu_script_ran(page: Any) -> None:
        assert page.locator(".nav-toggle").get_attribute("hidden") is None  # nav.js shows the Menu button

    visitor = watched()
    check(visitor, "home", "/", menu_script_ran)
    check(visitor, "gallery", "/gallery/", menu_script_ran)
    check(visitor, "login", "/accounts/login/", menu_script_ran)

    def job_form_follows_the_algorithm(page: Any) -> None:
        page.locator("summary", has_text="More control").click()
        page.select_option("[name=algorithm]", "denoise")
        assert page.get_by_text("takes no style").is_visible()
        page.select_option("[name=algorithm]", "gatys")
        assert page.get_by_text("takes no style").is_hidden()

    def job_page_polls(page: Any) -> None:
        with page.expect_response(lambda r: r.url.endswith("progress.json") and r.ok):
            pass
        page.wait_for_function("() => document.querySelector('[data-field=summary]').textContent.includes('queue')")

    def strength_slider_blends(page: Any) -> None:
        page.locator("#strength-slider").fill("0.2")
        assert page.locator("[data-strength-value]").inner_text() == "20%"
        assert page.locator('[data-layer="full"]').evaluate("img => img.style.opacity") == "0.2"

    def upload_previews(page: Any) -> None:
        files = [{"name": "harbour.png", "mimeType": "image/png", "buffer": image_bytes((48, 32))}]
        page.locator("input[type=file]").first.set_input_files(files)
        page.wait_for_function("() => [...document.images].some((img) => img.src.startsWith('blob:') && img.complete)")

    def webcam_opens_its_socket(page: Any) -> None:
        page.wait_for_function("() => document.getElementById('status').textContent !== 'Starting the camera…'")
        assert owner_page.sockets == [f"{url.replace('http', 'ws')}/ws/webcam/"]

    owner_page = watched(owner)
    check(owner_page, "job-form", "/jobs/new/", job_form_follows_the_algorithm)
    check(owner_page, "job", queued.get_absolute_url(), job_page_polls)
    check(owner_page, "result", layered_result.get_absolute_url(), strength_slider_blends)
    check(owner_page, "upload-form", "/uploads/new/", upload_previews)
    check(owner_page, "webcam", "/webcam/", webcam_opens_its_socket)
    for name, path in {"studio": "/studio/", "compare": "/compare/", "classroom": "/classroom/"}.items():
        check(owner_page, name, path)

    def admin_index_shows_the_apps(page: Any) -> None:
        assert page.get_by_role("heading", name="Style Gallery").first.is_visible()

    def swagger_renders(page: Any) -> None:
        page.wait_for_selector(".opblock-tag-section")
        assert "Style Gallery API" in page.locator(".info .title").inner_text()

    staff = watched(staff_user)
    check(staff, "admin", "/admin/", admin_index_shows_the_apps)
    check(staff, "api-docs", "/api/docs/", swagger_renders)

    assert not failures, f"Content-Security-Policy violations: {failures}"
