"""While no Chen decoder or Johnson model is enabled, users read that the feature isn't available yet on
this site; staff, who can change that, read where in the admin (the job page, the webcam page, the admin's
status panel)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STAFF_HINT = "upload or train one in the admin (Style models)"


def test_users_read_that_it_isnt_available_on_this_site(owner, owner_client: Client, upload_factory) -> None:  # noqa: ANN001
    upload_factory(owner)
    job_page = owner_client.get("/jobs/new/").content.decode()
    assert "Chen style swap isn&#x27;t available yet on this site." in job_page
    assert "Fast styles aren&#x27;t available yet on this site." in job_page
    webcam = owner_client.get("/webcam/").content.decode()
    assert "Fast styles aren&#x27;t available yet on this site." in webcam
    assert STAFF_HINT not in job_page and STAFF_HINT not in webcam and "staff" not in job_page.lower()


def test_staff_read_where_to_enable_one(staff_user, staff_client: Client, upload_factory) -> None:  # noqa: ANN001
    upload_factory(staff_user)
    job_page = staff_client.get("/jobs/new/").content.decode()
    assert f"No Chen decoder is enabled yet: {STAFF_HINT}." in job_page
    assert f"No Johnson style model is enabled yet: {STAFF_HINT}." in job_page
    assert f"No Johnson style model is enabled yet: {STAFF_HINT}." in staff_client.get("/webcam/").content.decode()
    assert f"No Chen decoder is enabled yet: {STAFF_HINT}." in staff_client.get("/admin/").content.decode()
