"""Swagger UI at /api/docs/ renders in a real browser from this site's own files: no other host is asked.

Playwright with Debian's chromium; every request the page makes is recorded, and any to another
host is refused (so a page that needed one would also fail to render). Screenshot: test-artifacts/api-docs.png.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_swagger_ui_renders_every_section_without_another_host(live_server, browser) -> None:  # noqa: ANN001
    from playwright.sync_api import Route

    own_host = urlsplit(live_server.url).netloc
    requested: list[str] = []

    def only_this_site(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own_host:
            route.abort()
        else:
            route.continue_()

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.route("**/*", only_this_site)
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock-tag-section", timeout=30_000)
        tags = page.locator(".opblock-tag").all_inner_texts()
        title = page.locator(".info .title").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    finally:
        context.close()

    foreign = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme.startswith(("http", "ws")) and urlsplit(url).netloc != own_host
        }
    )
    assert not foreign, f"the docs page asked other hosts: {foreign}"
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requested)
    assert any("/api/schema/" in url for url in requested)
    assert "Style Gallery API" in title
    assert {"images", "jobs", "results", "albums", "style-models", "auth"} <= {t.split("\n")[0].strip() for t in tags}
