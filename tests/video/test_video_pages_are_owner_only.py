"""Every video page and file: the owner gets it, another user a 404, an anonymous visitor the login page.

Result videos follow their result: private ones as above, unlisted ones for anyone with the link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def owner_pages(video) -> list[tuple[str, str]]:  # noqa: ANN001
    return [
        ("get", reverse("video:video_detail", args=[video.pk])),
        ("get", reverse("video:video_file", args=[video.pk, "file"])),
        ("get", reverse("video:video_file", args=[video.pk, "poster"])),
        ("post", reverse("video:video_detail", args=[video.pk])),
        ("post", reverse("video:video_delete", args=[video.pk])),
    ]


def result_files(result) -> list[str]:  # noqa: ANN001
    return [reverse("video:result_video", args=[result.share_token, v]) for v in ("stylized", "original")]


def test_the_owner_gets_every_video_page_and_file(owner, owner_client, video_factory, video_result_factory) -> None:  # noqa: ANN001
    video = video_factory(owner)
    for method, url in owner_pages(video)[:3]:
        assert getattr(owner_client, method)(url).status_code == 200, url
    for url in result_files(video_result_factory(owner)):
        assert owner_client.get(url).status_code == 200, url
    for name in ("video_list", "video_create", "webcam"):
        assert owner_client.get(reverse(f"video:{name}")).status_code == 200, name
    for name in ("job_list", "result_list", "dashboard"):  # the studio's lists take video jobs and results
        assert owner_client.get(reverse(f"studio:{name}")).status_code == 200, name


def test_another_user_gets_404_everywhere(owner, other_client, video_factory, video_result_factory) -> None:  # noqa: ANN001
    video = video_factory(owner)
    for method, url in owner_pages(video):
        assert getattr(other_client, method)(url).status_code == 404, (method, url)
    for url in result_files(video_result_factory(owner)):
        assert other_client.get(url).status_code == 404, url
    assert video.__class__.objects.filter(pk=video.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(owner, video_factory, video_result_factory) -> None:  # noqa: ANN001
    anonymous = Client()
    video = video_factory(owner)
    urls = [*owner_pages(video), *(("get", u) for u in result_files(video_result_factory(owner)))]
    urls += [("get", reverse(f"video:{name}")) for name in ("video_list", "video_create", "webcam")]
    for method, url in urls:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), (method, url)


def test_an_unlisted_video_result_plays_for_anyone_with_the_link(owner, other_client, video_result_factory) -> None:  # noqa: ANN001
    result = video_result_factory(owner, visibility="unlisted")
    for client in (other_client, Client()):
        for url in result_files(result):
            assert client.get(url).status_code == 200, url
        assert "<video" in client.get(result.get_absolute_url()).content.decode()


def test_the_owner_deletes_a_video_and_its_files(
    owner, owner_client, video_factory, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001, E501
    video = video_factory(owner)
    paths = [video.file.path, video.poster.path]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("video:video_delete", args=[video.pk]))
    assert response.status_code == 302 and response.url == reverse("video:video_list")
    assert not video.__class__.objects.exists()
    assert not any(Path(p).exists() for p in paths)
