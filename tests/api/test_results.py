"""Results: list (by album), read, rename, change visibility, download, delete."""

from __future__ import annotations

import pytest

from gallery.studio import services
from gallery.studio.models import Result
from tests.conftest import image_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_the_list_is_mine_and_filters_by_album(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    kept = result_factory(owner, title="Kept")
    other = result_factory(owner, title="Other")
    album = services.album_create(owner=owner, title="Best")
    services.album_add_result(album=album, result=kept, by=owner)

    everything = owner_api.get("/api/v1/results/").json()
    assert {r["token"] for r in everything["results"]} == {kept.share_token, other.share_token}
    in_album = owner_api.get(f"/api/v1/results/?album={album.share_token}").json()
    assert [r["token"] for r in in_album["results"]] == [kept.share_token]
    assert_error(owner_api.get("/api/v1/results/?album=no-such-album"), 404, "not_found")


def test_retrieve_says_what_made_it(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner)
    body = owner_api.get(f"/api/v1/results/{result.share_token}/").json()
    assert body["algorithm"] == "gatys" and body["random_weights"] is True and body["is_owner"] is True
    assert body["page_url"].endswith(result.get_absolute_url())


def test_visibility_and_title_change_through_the_service(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner)
    response = owner_api.patch(f"/api/v1/results/{result.share_token}/", {"visibility": "public", "title": "Sea"})
    assert response.status_code == 200 and response.json()["visibility"] == "public"
    result.refresh_from_db()
    assert (result.visibility, result.title) == ("public", "Sea")

    assert_error(
        owner_api.patch(f"/api/v1/results/{result.share_token}/", {"visibility": "everyone"}),
        400,
        "invalid",
        "visibility",
    )
    assert_error(owner_api.patch(f"/api/v1/results/{result.share_token}/", {"title": "  "}), 400, "invalid", "title")
    result.refresh_from_db()
    assert (result.visibility, result.title) == ("public", "Sea")


def test_download_is_the_stored_file_as_an_attachment(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner, title="Harbour")
    url = owner_api.get(f"/api/v1/results/{result.share_token}/").json()["download_url"]
    response = owner_api.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and "Harbour.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == image_bytes()


def test_delete_removes_it(owner_api, owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner)
    assert owner_api.delete(f"/api/v1/results/{result.share_token}/").status_code == 204
    assert not Result.objects.filter(pk=result.pk).exists()


def test_a_result_is_saved_again_at_another_strength(owner_api, other_api, layered_result) -> None:  # noqa: ANN001
    body = owner_api.get(f"/api/v1/results/{layered_result.share_token}/").json()
    assert body["strength"] == 0.6 and body["strength_adjustable"] is True
    url = f"/api/v1/results/{layered_result.share_token}/strength/"
    response = owner_api.post(url, {"strength": 0.2}, format="json")
    assert response.status_code == 201, response.content
    saved = response.json()
    assert saved["strength"] == 0.2 and saved["token"] != layered_result.share_token
    assert Result.objects.get(share_token=saved["token"]).derived_from == layered_result
    assert_error(owner_api.post(url, {"strength": 1.5}, format="json"), 400, "invalid", "strength")
    assert_error(other_api.post(url, {"strength": 0.5}, format="json"), 404, "not_found")
    assert Result.objects.count() == 2
