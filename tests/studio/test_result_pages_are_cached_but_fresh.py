"""A result page's pictures and facts are rendered once per result and served from the shared cache (after the
permission check) until something they show is saved or deleted: the result, its owner, its photo and styles, a
video result's video. Forms with their CSRF tokens are never cached."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.studio import services
from gallery.studio.models import JobMask, Result, Upload, Visibility
from tests.conftest import client_for
from tests.video.conftest import video_factory, video_result_factory  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db


def page(client: Client, result: Result) -> str:
    response = client.get(result.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_pictures_and_facts_are_cached_until_what_they_show_changes(owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    assert "<h1>Harbour at dusk</h1>" in page(Client(), result)
    Result.objects.filter(pk=result.pk).update(title="Changed behind its back", seconds=42)  # no signal
    cached = page(Client(), result)
    assert "<h1>Harbour at dusk</h1>" in cached and "0.0 s" in cached  # the cached parts, for the next visitor

    services.result_update(result=result, by=owner, title="Harbour at night")
    fresh = page(Client(), result)
    assert "<h1>Harbour at night</h1>" in fresh and "42.0 s" in fresh

    owner.username = "harbour_painter"
    owner.save()
    assert "<dd>harbour_painter</dd>" in page(Client(), result)

    photo = result.job.content
    photo.title = "Harbour photo"
    photo.save()  # as the admin renames it
    assert "Photo · Harbour photo" in page(Client(), result)

    style = Upload.objects.get(style_jobs__job=result.job)
    assert f"Style · {style.title}" in page(Client(), result)
    services.upload_delete(upload=style, by=owner)
    assert "Style ·" not in page(Client(), result)


def test_the_owner_and_a_visitor_each_get_their_own_facts_and_fresh_forms(owner, other_user, layered_result) -> None:  # noqa: ANN001
    services.result_update(result=layered_result, by=owner, visibility=Visibility.PUBLIC)
    owners, visitors = client_for(owner), client_for(other_user)
    for _ in range(2):
        mine, theirs = page(owners, layered_result), page(visitors, layered_result)
        assert "Share and keep" in mine and f"<dd>{owner.username}</dd>" not in mine
        assert "Share and keep" not in theirs and f"<dd>{owner.username}</dd>" in theirs
    # The strength form (on both) carries each one's own CSRF token.
    token = 'name="csrfmiddlewaretoken" value="'
    assert mine.split(token)[1][:64] != theirs.split(token)[1][:64]
    assert "Save as new result" in mine and "Save as new result" not in theirs


def test_a_cached_page_is_still_only_for_those_who_may_see_it(owner, other_user, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner, visibility=Visibility.PRIVATE, title="Kept to myself")
    assert "<h1>Kept to myself</h1>" in page(client_for(owner), result)
    assert client_for(other_user).get(result.get_absolute_url()).status_code == 404
    assert "Kept to myself" not in Client().get(result.get_absolute_url()).content.decode()


def test_a_video_results_page_follows_its_video(owner, video_result_factory) -> None:  # noqa: ANN001, F811
    result = video_result_factory(owner, visibility=Visibility.PUBLIC)
    video = result.video.source
    assert f"Original · {video.title}" in page(Client(), result)
    video.title = "Harbour walk"
    video.save()  # as the admin renames it
    assert "Original · Harbour walk" in page(Client(), result)


def test_a_cached_page_reads_the_result_alone_and_a_redrawn_one_its_inputs(
    owner, result_factory, upload_factory
) -> None:  # noqa: ANN001
    result = result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    mask = upload_factory(owner, kind="mask", name="sky.png")
    JobMask.objects.create(job=result.job, upload=mask, position=0)
    style = Upload.objects.get(style_jobs__job=result.job)
    with CaptureQueriesContext(connection) as drawn:
        first = page(Client(), result)
    assert f"Style · {style.title}" in first and f"Mask · {mask.title} · for {style.title}" in first
    assert any("studio_jobmask" in query["sql"] for query in drawn.captured_queries)

    with CaptureQueriesContext(connection) as cached:
        assert page(Client(), result) == first
    studio = [query["sql"] for query in cached.captured_queries if "studio_" in query["sql"]]
    assert len(studio) == 1 and "JOIN" not in studio[0], studio  # the result's row: no job, photo, styles or masks


def test_a_result_whose_job_was_deleted_still_shows_its_picture(owner, result_factory) -> None:  # noqa: ANN001
    result = result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    result.job.delete()  # as the admin may: the result stays, its inputs are no longer known
    shown = page(Client(), result)
    assert "<h1>Harbour at dusk</h1>" in shown and "Result · 32×32" in shown and "Photo ·" not in shown
