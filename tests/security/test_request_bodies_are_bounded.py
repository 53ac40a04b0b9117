"""Request bodies are bounded before they are read, under the server `./dev up` runs (`manage.py serve`: uvicorn
with gallery/bodylimits.py in front of Django). An oversized body, streamed from a generator, gets 413 on every
upload route and on an ordinary form, anonymous or signed in: the server answers from the headers, grows by
almost nothing and keeps nothing. A chunked body is cut at the limit; bodies within the limit still work.

Before (daphne, `manage.py runserver`), measured on this machine: 200 MB posted anonymously to the log-in page
grew the server by 2.4 GB, a signed-in 400 MB upload by 4.8 GB, a 29 MB one by 116 MB.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token

from gallery.bodylimits import UPLOAD_ROUTES, body_limit
from gallery.studio.models import Upload
from tests.conftest import client_for
from tests.helpers.asgi import MIB, Multipart, Reply, Server, peak_rss, reset_peak, rss, send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

MEMORY_BOUND = 100 * MIB  # the server's peak memory may grow by less than this for any one request
OVERSIZED = 200 * MIB  # or the route's limit and 1 MB more, whichever is larger
CSRF = "c" * 32  # a CSRF cookie and the same token in the form, as a browser sends them

# What each route's form is sent: its file field and the other fields (the log-in form stands for every route
# without files).
FORMS = {
    "studio:upload_create": ("file", {"kind": "content"}),
    "api:images": ("file", {"kind": "content"}),
    "studio:job_create": ("mask_1", {"algorithm": "gatys"}),
    "video:video_create": ("file", {"title": "big"}),
    "api:videos": ("file", {"title": "big"}),
    "admin:stylemodels_stylemodel_add": ("file", {"name": "big"}),
    "admin:stylemodels_trainingrun_add": ("photos_zip", {"name": "big", "kind": "johnson"}),
    "api:training_runs": ("photos_zip", {"name": "big", "kind": "johnson"}),
    "accounts:login": ("file", {"username": "olivia", "password": "wrong"}),
}


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def left_behind(server: Server, wait: float = 3.0) -> list[Path]:
    """The server's temporary files still there after `wait` seconds (it closes a request's files just after
    sending the response)."""
    deadline = time.monotonic() + wait
    while (left := files_in(server.tmp)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def post(server: Server, path: str, body: Multipart, *, cookie: str = "", chunked: bool = False, **headers: str):
    """(the reply, how much the server's peak memory grew) for one POST, the body streamed."""
    pid = server.process.pid
    reset_peak(pid)
    before = rss(pid)
    cookies = f"csrftoken={CSRF}" + (f"; {cookie}" if cookie else "")
    reply = send(
        server.port,
        "POST",
        path,
        body=body,
        length=None if chunked else len(body),
        headers={"Content-Type": body.content_type, "Cookie": cookies, "Referer": server.url + path, **headers},
    )
    return reply, peak_rss(pid) - before


def assert_refused(reply: Reply, path: str) -> None:
    assert reply.status == 413, reply.text()[:500]
    _, says = body_limit(path)
    if path.startswith("/api/"):
        error = json.loads(reply.body)["error"]
        assert error["code"] == "too_large" and says in error["message"]
    else:
        assert "<h1>Too large</h1>" in reply.text() and says in reply.text()


def test_the_forms_cover_every_upload_route() -> None:
    assert set(UPLOAD_ROUTES) | {"accounts:login"} == set(FORMS)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("name", list(FORMS))
def test_an_oversized_body_gets_413_before_it_is_read(site_server, staff_user, name: str, signed_in: bool) -> None:  # noqa: ANN001
    path = reverse(name)
    limit, _ = body_limit(path)
    field, fields = FORMS[name]
    body = Multipart(fields={"csrfmiddlewaretoken": CSRF, **fields}, file_field=field, size=max(OVERSIZED, limit + MIB))
    cookie = f"sessionid={client_for(staff_user).cookies['sessionid'].value}" if signed_in else ""
    media_before = files_in(Path(settings.MEDIA_ROOT))

    reply, grown = post(site_server, path, body, cookie=cookie)

    assert_refused(reply, path)
    assert reply.sent < 64 * MIB  # answered from the headers, while the body was still coming
    assert reply.seconds < 10
    assert grown < MEMORY_BOUND, f"the server grew by {grown / MIB:.0f} MB"
    assert left_behind(site_server) == [] and files_in(Path(settings.MEDIA_ROOT)) == media_before


def test_a_chunked_body_to_a_form_is_cut_at_its_limit(site_server) -> None:  # noqa: ANN001
    path = reverse("accounts:login")
    body = Multipart(fields={"csrfmiddlewaretoken": CSRF}, size=OVERSIZED)
    reply, grown = post(site_server, path, body, chunked=True)
    assert_refused(reply, path)
    assert reply.sent < 32 * MIB
    assert grown < MEMORY_BOUND, f"the server grew by {grown / MIB:.0f} MB"
    assert left_behind(site_server) == []


def test_a_chunked_upload_past_its_limit_is_cut_and_nothing_is_kept(site_server, owner) -> None:  # noqa: ANN001
    path = reverse("api:images")
    limit, _ = body_limit(path)
    token = Token.objects.create(user=owner).key
    body = Multipart(fields={"kind": "content"}, size=OVERSIZED)
    reply, grown = post(site_server, path, body, chunked=True, Authorization=f"Token {token}")
    assert_refused(reply, path)
    assert limit < reply.sent < limit + 64 * MIB  # read up to the limit (spooled to disk), then cut
    assert grown < MEMORY_BOUND, f"the server grew by {grown / MIB:.0f} MB"
    assert left_behind(site_server) == [] and not Upload.objects.exists()


def noise_png(side: int) -> bytes:
    """A photo-sized PNG that does not compress: side x side pixels of noise, about 3 x side² bytes."""
    pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def test_uploads_within_the_limit_still_work_in_bounded_memory(site_server, owner) -> None:  # noqa: ANN001
    data = noise_png(2000)
    assert len(data) > 11 * MIB
    token = Token.objects.create(user=owner).key
    api = Multipart(fields={"kind": "content", "title": "Noise"}, filename="noise.png", data=data)
    reply, grown = post(site_server, reverse("api:images"), api, Authorization=f"Token {token}")
    assert reply.status == 201, reply.text()[:500]
    assert json.loads(reply.body)["width"] == 2000
    assert grown < MEMORY_BOUND, f"the server grew by {grown / MIB:.0f} MB"

    page = Multipart(fields={"csrfmiddlewaretoken": CSRF, "kind": "style", "title": ""}, filename="n.png", data=data)
    path = reverse("studio:upload_create")
    reply, grown = post(site_server, path, page, cookie=f"sessionid={client_for(owner).cookies['sessionid'].value}")
    assert reply.status == 302 and reply.headers["location"] == reverse("studio:upload_list"), reply.text()[:500]
    assert grown < MEMORY_BOUND, f"the server grew by {grown / MIB:.0f} MB"
    assert sorted(Upload.objects.values_list("kind", "width")) == [("content", 2000), ("style", 2000)]
    assert left_behind(site_server) == []
