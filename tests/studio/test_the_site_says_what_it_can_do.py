"""The site knows what it has: an algorithm that would fail is shown disabled with the reason, job_create
refuses it, staff see a status panel, and `manage.py check` warns with the command that fixes it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gallery.studio.services import job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_vgg_weights(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("STYLECORE_VGG_WEIGHTS", str(tmp_path / "vgg19-missing.pth"))


def test_the_job_form_greys_out_algorithms_that_cannot_run_and_says_why(
    no_vgg_weights,
    owner,
    owner_client,
    upload_factory,  # noqa: ANN001
) -> None:
    upload_factory(owner)
    page = owner_client.get("/jobs/new/").content.decode()
    assert re.search(
        r'<option value="gatys"[^>]*\bdisabled\b[^>]*>Gatys \(optimisation\) — needs the VGG19 weights', page
    )
    assert "Fast styles aren&#x27;t available yet on this site." in page  # no model yet: disabled too
    assert re.search(r'<option value="denoise" selected>Denoise \(ZS-N2N\)</option>', page)  # needs neither: first


def test_a_job_that_would_fail_in_the_worker_is_refused_up_front(no_vgg_weights, owner, upload_factory) -> None:  # noqa: ANN001
    photo, style = upload_factory(owner), upload_factory(owner, kind="style")
    with pytest.raises(ValidationError) as error:
        job_create(owner=owner, algorithm="gatys", content=photo, styles=[(style, 1.0)])
    assert "needs the VGG19 weights" in error.value.message_dict["algorithm"][0]


def test_staff_see_a_status_panel_with_the_fixes(no_vgg_weights, staff_client) -> None:  # noqa: ANN001
    page = staff_client.get("/admin/").content.decode()
    assert "Site status" in page and "manage.py fetch_models" in page
    assert "manage.py qcluster" in page  # no worker in this test


def test_manage_py_check_warns_with_the_command_that_fixes_it(no_vgg_weights) -> None:  # noqa: ANN001
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "gallery.W001" in out.getvalue() and "manage.py fetch_models" in out.getvalue()
