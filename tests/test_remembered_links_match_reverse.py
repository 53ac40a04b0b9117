"""gallery/core/links.link: the URLs lists and polls build, remembered, are the ones reverse() gives, under a script
prefix too (a site mounted under a path)."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix

from gallery.core.links import link


def test_a_remembered_link_is_what_reverse_gives() -> None:
    assert link("studio:result_detail", "abc-_12") == reverse("studio:result_detail", args=["abc-_12"])
    assert link("studio:job_preview", 7) == reverse("studio:job_preview", args=[7]) == link("studio:job_preview", 7)
    assert link("api:result_download", "tok") == reverse("api:result_download", args=["tok"])


def test_a_site_under_a_path_gets_its_own_links() -> None:
    plain = link("studio:job_detail", 3)
    set_script_prefix("/gallery-site/")
    try:
        assert link("studio:job_detail", 3) == "/gallery-site" + plain == reverse("studio:job_detail", args=[3])
    finally:
        set_script_prefix("/")
    assert link("studio:job_detail", 3) == plain
