"""A real browser on the upload page: several images chosen with the picker or dropped onto the drop
zone are listed with previews, sent in one submit, and all appear on the upload list."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery.studio.models import Upload
from tests.conftest import ARTIFACTS, image_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

# Builds a DataTransfer holding real File objects (made from the bytes given) and fires the events a
# person dragging them onto the drop zone would: dragover (the zone lights up), then drop.
DRAG = """([files, type]) => {
  const transfer = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: "image/png" }));
  }
  const zone = document.querySelector("[data-dropzone]");
  zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  return zone.classList.contains("is-dragover");
}"""


@pytest.fixture
def page(live_server, owner, browser):  # noqa: ANN001, ANN201
    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + reverse("studio:upload_create") + "?kind=style")
    yield page
    context.close()


def photo(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = folder / name
    Image.new("RGB", (48, 32), colour).save(path)
    return path


def previews_loaded(page) -> int:  # noqa: ANN001
    return page.locator("[data-file-list] img").evaluate_all("imgs => imgs.filter(i => i.naturalWidth > 0).length")


def test_two_images_picked_together_are_listed_with_previews_and_both_uploaded(page, tmp_path: Path):  # noqa: ANN001
    files = [photo(tmp_path, "red-barn.png", (200, 40, 40)), photo(tmp_path, "blue_lake.png", (40, 80, 200))]
    page.get_by_label("Images").set_input_files(files)
    chosen = page.locator("[data-file-list] li")
    assert chosen.all_inner_texts() == ["red-barn.png\nRemove", "blue_lake.png\nRemove"]
    page.wait_for_function("() => document.querySelectorAll('[data-file-list] img').length === 2")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-file-list] img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert previews_loaded(page) == 2
    assert page.get_by_label("Title").is_disabled()  # with several, each is named after its file
    assert page.get_by_label("Style", exact=True).is_checked()  # ?kind=style
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-multi.png"), full_page=True)

    page.get_by_label("Images").set_input_files(photo(tmp_path, "oops.png", (0, 0, 0)))  # adds to the list
    assert chosen.count() == 3
    page.get_by_role("button", name="Remove oops.png").click()
    assert chosen.count() == 2

    page.get_by_role("button", name="Upload").click()
    page.get_by_text("2 images uploaded.").wait_for()
    assert (
        page.get_by_text("red barn", exact=True).is_visible() and page.get_by_text("blue lake", exact=True).is_visible()
    )
    assert sorted(Upload.objects.values_list("title", "kind")) == [("blue lake", "style"), ("red barn", "style")]


def test_images_dropped_on_the_drop_zone_are_uploaded_and_a_bad_one_is_named(page):  # noqa: ANN001
    names = ("harbour.png", "old_mill.png", "notes.png")
    data = [image_bytes((40, 30)), image_bytes((30, 40)), b"Shopping: eggs, flour.\n" * 5]
    files = [[name, base64.b64encode(content).decode()] for name, content in zip(names, data, strict=True)]
    assert page.evaluate(DRAG, [files, "dragover"]) is True  # highlighted while dragging over
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-drag-over.png"))
    assert page.evaluate(DRAG, [files, "drop"]) is False  # the highlight goes with the drop
    assert page.locator("[data-file-list] li span").all_inner_texts() == list(names)
    assert page.get_by_label("Images").evaluate("input => input.files.length") == 3  # the form will send them

    page.get_by_role("button", name="Upload").click()
    page.get_by_text("2 uploaded; 1 refused.").wait_for()
    assert page.get_by_text("notes.png: This file is not an image").is_visible()
    assert (
        page.get_by_text("harbour", exact=True).is_visible() and page.get_by_text("old mill", exact=True).is_visible()
    )
    page.screenshot(path=str(ARTIFACTS / "upload-some-refused.png"), full_page=True)
