"""The upload page takes several images in one submit: each is judged on its own, good ones are kept
when others are refused (named, with the reason), and a submit with too many is refused whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from gallery.studio import services
from gallery.studio.models import Upload
from tests.conftest import image_bytes, uploaded

pytestmark = pytest.mark.django_db


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def files_of(uploads: list[Upload]) -> set[Path]:
    return {Path(settings.MEDIA_ROOT) / name for u in uploads for name in (u.image.name, u.thumbnail.name)}


def good(name: str, size: tuple[int, int] = (32, 32)):  # noqa: ANN201
    return uploaded(name, image_bytes(size))


def text(name: str = "holiday.txt"):  # noqa: ANN201
    return uploaded(name, b"Sunny, then rain.\n" * 10, "image/png")


def post(client: Client, *files, kind: str = "content", title: str = ""):  # noqa: ANN001, ANN002, ANN201
    return client.post(reverse("studio:upload_create"), {"file": list(files), "kind": kind, "title": title})


def shown_messages(response) -> list[str]:  # noqa: ANN001
    return [str(message) for message in response.wsgi_request._messages]


# --- The service -----------------------------------------------------------------------------


def test_several_good_files_are_all_saved_named_after_their_files(owner):  # noqa: ANN001
    before = stored_files()
    created, refused = services.uploads_create(
        owner=owner,
        files=[good("red_barn.png"), good("blue-lake.png", (40, 24)), good("old mill.png")],
        kind="style",
        title="Ignored with several",
    )
    assert refused == []
    assert [u.title for u in created] == ["red barn", "blue lake", "old mill"]
    assert {u.kind for u in Upload.objects.all()} == {"style"} and Upload.objects.count() == 3
    assert stored_files() - before == files_of(created)


def test_a_lone_file_takes_the_title_given(owner):  # noqa: ANN001
    created, _ = services.uploads_create(owner=owner, files=[good("img_0042.png")], kind="content", title="Harbour")
    assert created[0].title == "Harbour"


def test_good_files_are_kept_and_a_bad_one_is_named_with_its_reason_leaving_no_file(owner):  # noqa: ANN001
    before = stored_files()
    created, refused = services.uploads_create(
        owner=owner, files=[good("first.png"), text("holiday.txt"), good("second.png")], kind="content"
    )
    assert [u.title for u in created] == ["first", "second"]
    assert refused == [("holiday.txt", "This file is not an image (JPEG, PNG, GIF, WebP, BMP or TIFF).")]
    assert Upload.objects.count() == 2
    assert stored_files() - before == files_of(created)  # nothing on disk for the refused one


def test_too_many_files_are_refused_before_any_is_saved(owner, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_FILES_PER_UPLOAD": 2}
    before = stored_files()
    with pytest.raises(ValidationError) as caught:
        services.uploads_create(owner=owner, files=[good("a.png"), good("b.png"), good("c.png")], kind="content")
    assert caught.value.message_dict == {"file": ["Send at most 2 images at once (3 were chosen)."]}
    assert not Upload.objects.exists() and stored_files() == before


def test_the_default_limit_is_twenty_files():
    assert settings.STUDIO["MAX_FILES_PER_UPLOAD"] == 20
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES > 20  # Django's own bound never answers first


# --- The page --------------------------------------------------------------------------------


def test_the_page_saves_several_images_and_says_how_many(owner_client: Client):
    response = post(owner_client, good("a.png"), good("b.png"), good("c.png"), kind="style")
    assert response.status_code == 302 and response.url == reverse("studio:upload_list")
    assert shown_messages(response) == ["3 images uploaded."]
    assert Upload.objects.filter(kind="style").count() == 3


def test_one_image_is_still_named_in_the_message(owner_client: Client):
    response = post(owner_client, good("a.png"), title="Harbour at dusk")
    assert shown_messages(response) == ["Uploaded “Harbour at dusk”."]


def test_a_mixed_submit_keeps_the_good_ones_and_lists_the_refused_on_the_next_page(owner_client: Client):
    response = post(owner_client, good("a.png"), good("b.png"), text("holiday.txt"))
    assert response.status_code == 302
    assert shown_messages(response) == [
        "2 uploaded; 1 refused.",
        "holiday.txt: This file is not an image (JPEG, PNG, GIF, WebP, BMP or TIFF).",
    ]
    assert Upload.objects.count() == 2
    page = owner_client.get(response.url).content.decode()
    assert "holiday.txt: This file is not an image" in page and "message-warning" in page


def test_when_every_file_is_refused_the_form_names_each_escaped(owner_client: Client):
    before = stored_files()
    response = post(owner_client, text("<img src=x onerror=alert(1)>.txt"), uploaded("empty.png", b""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.txt: This file is not an image" in page
    assert "<img src=x" not in page
    assert "empty.png: The file is empty." in page
    assert not Upload.objects.exists() and stored_files() == before


def test_too_many_files_get_a_clear_error_on_the_form_and_nothing_is_saved(owner_client: Client, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "MAX_FILES_PER_UPLOAD": 2}
    before = stored_files()
    response = post(owner_client, good("a.png"), good("b.png"), good("c.png"))
    assert response.status_code == 400
    assert "Send at most 2 images at once (3 were chosen)." in response.content.decode()
    assert not Upload.objects.exists() and stored_files() == before


def test_sending_no_file_asks_for_one(owner_client: Client):
    response = owner_client.post(reverse("studio:upload_create"), {"kind": "content"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_the_page_offers_a_multiple_picker_with_the_kind_from_the_link(owner_client: Client):
    page = owner_client.get(reverse("studio:upload_create") + "?kind=style").content.decode()
    assert 'type="file" name="file" accept="image/*" multiple' in page
    assert re.search(r'value="style"[^>]* checked>', page) and not re.search(r'value="content"[^>]* checked>', page)
    assert "up to 20 images at once" in page and 'data-max-files="20"' in page


def test_someone_not_logged_in_is_sent_to_log_in_and_nothing_is_saved(client: Client):
    response = post(client, good("a.png"), good("b.png"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not Upload.objects.exists()
