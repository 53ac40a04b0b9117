"""Owners keep results in albums and choose who sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gallery.studio.models import Album, Result

pytestmark = pytest.mark.django_db


def test_an_owner_creates_renames_fills_empties_and_deletes_an_album(owner, owner_client: Client, result_factory):  # noqa: ANN001
    result = result_factory(owner, title="Harbour at dusk")
    response = owner_client.post(reverse("studio:album_create"), {"title": "Trips", "visibility": "private"})
    album = Album.objects.get()
    assert response["Location"] == album.get_absolute_url()

    owner_client.post(
        reverse("studio:album_edit", args=[album.share_token]),
        {"title": "Summer trips", "description": "", "visibility": "unlisted"},
    )
    album.refresh_from_db()
    assert (album.title, album.visibility) == ("Summer trips", "unlisted")

    owner_client.post(reverse("studio:album_add", args=[result.share_token]), {"album": album.share_token})
    assert "Harbour at dusk" in owner_client.get(album.get_absolute_url()).content.decode()

    owner_client.post(reverse("studio:album_remove", args=[album.share_token]), {"result": result.share_token})
    assert not album.results.exists()

    owner_client.post(reverse("studio:album_delete", args=[album.share_token]))
    assert not Album.objects.exists() and Result.objects.filter(pk=result.pk).exists()


def test_an_album_needs_a_title(owner_client: Client):
    response = owner_client.post(reverse("studio:album_create"), {"title": "  ", "visibility": "private"})
    assert response.status_code == 400 and not Album.objects.exists()


def test_an_owner_renames_and_publishes_a_result_then_it_is_in_the_gallery(owner, owner_client: Client, result_factory):  # noqa: ANN001
    result = result_factory(owner)
    owner_client.post(
        reverse("studio:result_edit", args=[result.share_token]), {"title": "Night", "visibility": "public"}
    )
    result.refresh_from_db()
    assert (result.title, result.visibility) == ("Night", "public")
    assert "Night" in Client().get(reverse("studio:gallery")).content.decode()


def test_deleting_a_result_removes_its_files(
    owner, owner_client: Client, result_factory, django_capture_on_commit_callbacks
):  # noqa: ANN001
    result = result_factory(owner)
    names = [result.image.name, result.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("studio:result_delete", args=[result.share_token]))
    assert not Result.objects.exists()
    assert not any(result.image.storage.exists(name) for name in names)


def test_my_results_is_paginated_and_marks_random_weight_results(owner, owner_client: Client, result_factory, settings):  # noqa: ANN001
    settings.STUDIO = {**settings.STUDIO, "RESULTS_PER_PAGE": 2}
    for index in range(3):
        result_factory(owner, title=f"Result {index}", random_weights=index == 0)
    first = owner_client.get(reverse("studio:result_list")).content.decode()
    second = owner_client.get(reverse("studio:result_list") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and "Result 0" in second
    mark = 'title="Made with random VGG weights"'
    assert mark in second and mark not in first


def test_every_page_shows_the_banner_while_the_vgg_weights_are_random(client: Client, monkeypatch):  # noqa: ANN001
    assert "Random VGG weights" in client.get(reverse("studio:home")).content.decode()
    monkeypatch.setenv("STYLECORE_VGG_WEIGHTS", "torchvision")
    assert "Random VGG weights" not in client.get(reverse("studio:home")).content.decode()
