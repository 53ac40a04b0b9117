"""Albums: create, list, read, change, delete; add and remove results."""

from __future__ import annotations

import pytest

from gallery.studio.models import Album, Result

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_an_album_goes_through_its_life(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    created = owner_api.post("/api/v1/albums/", {"title": "  Sea  ", "description": "waves"})
    assert created.status_code == 201
    album = created.json()
    assert (album["title"], album["visibility"], album["is_owner"]) == ("Sea", "private", True)
    token = album["token"]
    assert [a["token"] for a in owner_api.get("/api/v1/albums/").json()["results"]] == [token]

    changed = owner_api.patch(f"/api/v1/albums/{token}/", {"visibility": "unlisted"}).json()
    assert (changed["title"], changed["description"], changed["visibility"]) == ("Sea", "waves", "unlisted")

    result = result_factory(owner)
    assert owner_api.post(f"/api/v1/albums/{token}/results/", {"result": result.share_token}).status_code == 204
    listed = owner_api.get(f"/api/v1/albums/{token}/results/").json()
    assert [r["token"] for r in listed["results"]] == [result.share_token]

    assert owner_api.delete(f"/api/v1/albums/{token}/results/{result.share_token}/").status_code == 204
    assert not Album.objects.get(share_token=token).results.exists()
    assert owner_api.delete(f"/api/v1/albums/{token}/results/{result.share_token}/").status_code == 404

    assert owner_api.delete(f"/api/v1/albums/{token}/").status_code == 204
    assert not Album.objects.filter(share_token=token).exists()
    assert Result.objects.filter(pk=result.pk).exists()


def test_bad_album_fields_are_named(owner_api) -> None:  # noqa: ANN001
    assert_error(owner_api.post("/api/v1/albums/", {"title": "   "}), 400, "invalid", "title")
    assert_error(owner_api.post("/api/v1/albums/", {"title": "A", "visibility": "all"}), 400, "invalid", "visibility")
    assert not Album.objects.exists()


def test_a_shared_album_shows_others_only_its_shared_results(owner, other_api, result_factory) -> None:  # noqa: ANN001
    from gallery.studio import services

    album = services.album_create(owner=owner, title="Shared", visibility="unlisted")
    shared = result_factory(owner, visibility="unlisted")
    private = result_factory(owner, visibility="private")
    for result in (shared, private):
        services.album_add_result(album=album, result=result, by=owner)

    assert other_api.get(f"/api/v1/albums/{album.share_token}/").json()["is_owner"] is False
    listed = other_api.get(f"/api/v1/albums/{album.share_token}/results/").json()
    assert [r["token"] for r in listed["results"]] == [shared.share_token]
    assert_error(other_api.patch(f"/api/v1/albums/{album.share_token}/", {"title": "x"}), 404, "not_found")
