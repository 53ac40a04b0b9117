"""A person who sends more than a page takes sees the site's "Too large" page in the browser, saying what the
page takes and that nothing was kept (served by `manage.py serve`, with small limits so the files stay small).

The screenshot goes to test-artifacts/too-large-page.png.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from gallery.studio.models import Upload
from tests.conftest import ARTIFACTS, client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

SMALL_LIMITS = {"STUDIO_MAX_UPLOAD_BYTES": str(2**20), "STUDIO_MAX_FILES_PER_UPLOAD": "2"}


def noise(path: Path, side: int) -> Path:
    pixels = np.random.default_rng(side).integers(0, 256, (side, side, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, compress_level=0)
    return path


def test_too_large_uploads_get_a_page_that_says_what_the_page_takes(
    site_server_factory,  # noqa: ANN001
    browser,  # noqa: ANN001
    owner,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    server = site_server_factory(**SMALL_LIMITS)
    photos = [noise(tmp_path / f"photo-{index}.png", 750) for index in (1, 2)]  # 1.6 MB each, 3.2 MB together
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        session = client_for(owner).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
        page = context.new_page()
        page.goto(server.url + reverse("studio:upload_create"))
        page.locator("input[type=file]").set_input_files(photos)
        page.get_by_role("button", name="Upload").click()
        page.get_by_role("heading", name="Too large").wait_for(timeout=30_000)
        text = page.locator("main").inner_text()
        assert "this page takes 2 images of at most 1.0 MB each. Nothing was kept." in text
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 0  # the site's stylesheet loaded
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "too-large-page.png", full_page=True)
    finally:
        context.close()
    assert not Upload.objects.exists()
