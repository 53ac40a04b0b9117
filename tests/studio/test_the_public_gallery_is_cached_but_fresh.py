"""The public gallery's cards are rendered once and served from the shared cache (every process alike) until a
result or a person is saved or deleted (shared, unshared, edited, renamed): the next visitor sees it at once."""

from __future__ import annotations

import pytest
from django.test import Client

from gallery.studio import services
from gallery.studio.models import Result, Visibility

pytestmark = pytest.mark.django_db

CARD = "includes/result_card.html"


def gallery(client: Client) -> tuple[str, bool]:
    """The page's text, and whether its cards were rendered (not served from the cache)."""
    response = client.get("/gallery/")
    assert response.status_code == 200
    return response.content.decode(), CARD in [template.name for template in response.templates]


def test_cards_come_from_the_cache_until_the_public_results_change(owner, result_factory) -> None:  # noqa: ANN001
    client = Client()
    first = result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    page, rendered = gallery(client)
    assert rendered and "Harbour at dusk" in page
    assert gallery(Client())[1] is False  # the next visitor gets the cached cards

    second = result_factory(owner, visibility=Visibility.PRIVATE, title="Kept to myself")
    assert "Kept to myself" not in gallery(client)[0]
    assert gallery(Client())[1] is False

    services.result_update(result=second, by=owner, visibility=Visibility.PUBLIC)
    page, rendered = gallery(client)
    assert rendered and "Kept to myself" in page

    services.result_update(result=second, by=owner, title="Shared after all")
    assert "Shared after all" in gallery(client)[0]

    services.result_update(result=first, by=owner, visibility=Visibility.PRIVATE)
    page, _ = gallery(client)
    assert "Harbour at dusk" not in page and "Shared after all" in page

    owner.username = "harbour_painter"
    owner.save()
    assert "by harbour_painter" in gallery(client)[0]

    services.result_delete(result=second, by=owner)
    assert "Nothing public yet" in gallery(client)[0]


def test_logging_in_keeps_the_cached_cards_and_result_pages(owner, result_factory) -> None:  # noqa: ANN001
    """Django saves the user's last_login at every log-in, which nothing cached shows."""
    result = result_factory(owner, visibility=Visibility.PUBLIC, title="Harbour at dusk")
    gallery(Client())
    Client().get(result.get_absolute_url())
    Result.objects.filter(pk=result.pk).update(title="Changed behind its back")  # no signal: only a re-render shows it

    Client().force_login(owner)  # saves last_login, as the log-in page does

    assert gallery(Client())[1] is False
    assert "<h1>Harbour at dusk</h1>" in Client().get(result.get_absolute_url()).content.decode()
    owner.save()  # any other save of the person still refreshes both
    assert gallery(Client())[1] is True
    assert "<h1>Changed behind its back</h1>" in Client().get(result.get_absolute_url()).content.decode()
