"""Every studio page and JSON endpoint, seen by the owner, another user and an anonymous visitor.

Private things: other users get 404 (they cannot tell "not yours" from "missing"), anonymous
visitors are sent to log in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from gallery.studio import services
from gallery.studio.models import Album, Job, Result, Upload
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


@dataclass
class Things:
    upload: Upload
    job: Job
    result: Result
    album: Album


@pytest.fixture
def things(owner, result_factory) -> Things:  # noqa: ANN001
    result = result_factory(owner, visibility="private")
    job = result.job
    job.preview.save("preview.jpg", ContentFile(image_bytes(format="JPEG")))
    album = services.album_create(owner=owner, title="Holiday")
    services.album_add_result(album=album, result=result, by=owner)
    return Things(upload=job.content, job=job, result=result, album=album)


# name -> (url name, args built from Things)
PRIVATE_GET = {
    "upload detail": ("studio:upload_detail", lambda t: [t.upload.pk]),
    "upload image": ("studio:upload_file", lambda t: [t.upload.pk, "image"]),
    "upload thumbnail": ("studio:upload_file", lambda t: [t.upload.pk, "thumb"]),
    "job page": ("studio:job_detail", lambda t: [t.job.pk]),
    "job progress JSON": ("studio:job_progress", lambda t: [t.job.pk]),
    "job preview": ("studio:job_preview", lambda t: [t.job.pk]),
    "private result page": ("studio:result_detail", lambda t: [t.result.share_token]),
    "private result image": ("studio:result_file", lambda t: [t.result.share_token, "image"]),
    "private result thumbnail": ("studio:result_file", lambda t: [t.result.share_token, "thumb"]),
    "private result download": ("studio:result_file", lambda t: [t.result.share_token, "download"]),
    "private result's photo": ("studio:result_input", lambda t: [t.result.share_token, t.job.content_id, "image"]),
    "private album page": ("studio:album_detail", lambda t: [t.album.share_token]),
    "album edit page": ("studio:album_edit", lambda t: [t.album.share_token]),
}
OWN_LISTS = [
    "studio:dashboard",
    "studio:upload_list",
    "studio:upload_create",
    "studio:job_list",
    "studio:job_create",
    "studio:job_estimate",
    "studio:result_list",
    "studio:album_list",
    "studio:album_create",
    "accounts:password_change",
]
PRIVATE_POST = {
    "delete upload": ("studio:upload_delete", lambda t: [t.upload.pk], {}),
    "cancel job": ("studio:job_cancel", lambda t: [t.job.pk], {}),
    "save a stopped job's picture": ("studio:job_save_partial", lambda t: [t.job.pk], {}),
    "edit result": (
        "studio:result_edit",
        lambda t: [t.result.share_token],
        {"title": "Mine now", "visibility": "public"},
    ),
    "delete result": ("studio:result_delete", lambda t: [t.result.share_token], {}),
    "add result to album": ("studio:album_add", lambda t: [t.result.share_token], {"album": "album"}),
    "remove result from album": ("studio:album_remove", lambda t: [t.album.share_token], {"result": "result"}),
    "delete album": ("studio:album_delete", lambda t: [t.album.share_token], {}),
}


def _post_data(data: dict[str, str], things: Things) -> dict[str, str]:
    tokens = {"album": things.album.share_token, "result": things.result.share_token}
    return {key: tokens.get(value, value) for key, value in data.items()}


@pytest.mark.parametrize("page", PRIVATE_GET)
def test_the_owner_can_open_every_page_of_their_own(page: str, things: Things, owner_client: Client):
    name, args = PRIVATE_GET[page]
    assert owner_client.get(reverse(name, args=args(things))).status_code == 200


@pytest.mark.parametrize("name", OWN_LISTS)
def test_signed_in_people_can_open_their_own_lists_and_forms(name: str, owner_client: Client):
    assert owner_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("page", PRIVATE_GET)
def test_another_user_gets_404_for_private_pages_and_files(page: str, things: Things, other_client: Client):
    name, args = PRIVATE_GET[page]
    assert other_client.get(reverse(name, args=args(things))).status_code == 404


@pytest.mark.parametrize("page", PRIVATE_GET)
def test_anonymous_visitors_are_sent_to_log_in_for_private_pages(page: str, things: Things, client: Client):
    name, args = PRIVATE_GET[page]
    url = reverse(name, args=args(things))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]


@pytest.mark.parametrize("name", OWN_LISTS)
def test_anonymous_visitors_are_sent_to_log_in_for_studio_lists(name: str, client: Client):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("action", PRIVATE_POST)
def test_another_user_cannot_change_someone_elses_things(action: str, things: Things, other_client: Client):
    name, args, data = PRIVATE_POST[action]
    response = other_client.post(reverse(name, args=args(things)), _post_data(data, things))
    assert response.status_code == 404
    things.result.refresh_from_db()
    things.job.refresh_from_db()
    assert things.result.title == "A result" and things.result.visibility == "private"
    assert not things.job.cancel_requested
    assert Upload.objects.filter(pk=things.upload.pk).exists()
    assert things.album.results.filter(pk=things.result.pk).exists()


@pytest.mark.parametrize("action", PRIVATE_POST)
def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(action: str, things: Things, client: Client):
    name, args, data = PRIVATE_POST[action]
    response = client.post(reverse(name, args=args(things)), _post_data(data, things))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Result.objects.filter(pk=things.result.pk, visibility="private").exists()
    assert Album.objects.filter(pk=things.album.pk).exists()


def test_another_user_cannot_put_their_result_into_someone_elses_album(things: Things, other_user, result_factory):  # noqa: ANN001
    theirs = result_factory(other_user)
    client = Client()
    client.force_login(other_user)
    response = client.post(reverse("studio:album_add", args=[theirs.share_token]), {"album": things.album.share_token})
    assert response.status_code == 404
    assert not things.album.results.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("visibility", ["unlisted", "public"])
def test_shared_results_are_visible_to_anyone_with_the_link(visibility: str, owner, result_factory, client: Client):  # noqa: ANN001
    result = result_factory(owner, visibility=visibility)
    for url in (
        result.get_absolute_url(),
        reverse("studio:result_file", args=[result.share_token, "image"]),
        reverse("studio:result_file", args=[result.share_token, "download"]),
        reverse("studio:result_input", args=[result.share_token, result.job.content_id, "thumb"]),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(result.get_absolute_url()).content.decode()
    assert "Delete result" not in page  # no owner controls for visitors


def test_a_result_input_url_only_serves_that_results_own_images(owner, result_factory, upload_factory, client: Client):  # noqa: ANN001
    result = result_factory(owner, visibility="public")
    unrelated = upload_factory(owner, name="secret.png")
    url = reverse("studio:result_input", args=[result.share_token, unrelated.pk, "image"])
    assert client.get(url).status_code == 404


def test_only_public_results_are_listed_in_the_gallery(owner, result_factory, client: Client):  # noqa: ANN001
    public = result_factory(owner, visibility="public", title="Shown to all")
    result_factory(owner, visibility="unlisted", title="Link only")
    result_factory(owner, visibility="private", title="Just mine")
    page = client.get(reverse("studio:gallery")).content.decode()
    assert public.title in page
    assert "Link only" not in page and "Just mine" not in page


def test_a_shared_album_does_not_reveal_its_private_results(owner, result_factory, other_client: Client):  # noqa: ANN001
    album = services.album_create(owner=owner, title="Mixed", visibility="unlisted")
    shared = result_factory(owner, visibility="unlisted", title="Shared one")
    private = result_factory(owner, visibility="private", title="Private one")
    for result in (shared, private):
        services.album_add_result(album=album, result=result, by=owner)
    page = other_client.get(album.get_absolute_url())
    assert page.status_code == 200
    assert "Shared one" in page.content.decode() and "Private one" not in page.content.decode()


def test_admin_is_for_staff_only(staff_user, other_client: Client, things: Things):  # noqa: ANN001
    staff = Client()
    staff.force_login(staff_user)
    for model in ("upload", "job", "jobstyle", "result", "album"):
        assert staff.get(reverse(f"admin:studio_{model}_changelist")).status_code == 200
        assert other_client.get(reverse(f"admin:studio_{model}_changelist")).status_code == 302
