"""The site's own 404 and 500 pages, the admin in the site's name, and an /api/v1/ that answers."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_sites_own_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "Not found" in page and "Style Gallery" in page and "Log in" in page


def test_the_500_page_renders_without_a_request_or_context() -> None:
    page = render_to_string("500.html")  # what Django's server_error view does
    assert "Something went wrong" in page and "site.css" in page


def test_the_admin_carries_the_sites_name(staff_client: Client) -> None:
    page = staff_client.get("/admin/").content.decode()
    assert "Style Gallery administration" in page and "Django administration" not in page


def test_api_v1_lists_its_collections_and_the_docs_to_anyone(client: Client) -> None:
    response = client.get("/api/v1/")
    body = response.json()
    assert response.status_code == 200 and body["docs"].endswith("/api/docs/")
    assert body["endpoints"]["jobs"].endswith("/api/v1/jobs/") and body["endpoints"]["courses"].endswith("/courses/")
