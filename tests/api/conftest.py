"""API clients for the shared people (tests/conftest.py): token-authenticated, and anonymous."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import image_bytes
from tests.stylemodels.conftest import photo_folder  # noqa: F401  a fixture
from tests.video.conftest import style_model_factory, video_factory, video_result_factory  # noqa: F401  fixtures


def api_for(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Throttle counts live in the cache (and a high rate's batch in the process): each test starts with none."""
    from django.core.cache import cache

    from gallery.api.throttles import forget_batches

    cache.clear()
    forget_batches()


@pytest.fixture
def owner_api(owner) -> APIClient:  # noqa: ANN001
    return api_for(owner)


@pytest.fixture
def other_api(other_user) -> APIClient:  # noqa: ANN001
    return api_for(other_user)


@pytest.fixture
def staff_api(staff_user) -> APIClient:  # noqa: ANN001
    return api_for(staff_user)


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def upload_image(owner_api: APIClient) -> Callable[..., dict]:
    """Upload through the API as the owner; returns the response JSON."""

    def upload(kind: str = "content", name: str = "photo.png", data: bytes | None = None) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type="image/png")
        response = owner_api.post("/api/v1/images/", {"file": file, "kind": kind}, format="multipart")
        assert response.status_code == 201, response.content
        return response.json()

    return upload


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def assert_error(response, status: int, code: str, *fields: str) -> dict:  # noqa: ANN001
    """The one error shape: {"error": {"code", "message", "fields"}}, naming `fields`."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    for field in fields:
        assert error["fields"].get(field), f"no message for {field!r} in {error['fields']}"
    return error


@pytest.fixture
def owned(owner, upload_factory, result_factory) -> dict:  # noqa: ANN001
    """One of each thing the owner can have, private: an upload, a queued job, a result in an album."""
    from gallery.studio import services
    from gallery.studio.models import Job

    content = upload_factory(owner, kind="content")
    result = result_factory(owner, visibility="private")
    album = services.album_create(owner=owner, title="Holiday")
    services.album_add_result(album=album, result=result, by=owner)
    job = Job.objects.create(owner=owner, algorithm="gatys", content=content)
    return {"upload": content.pk, "job": job.pk, "result": result.share_token, "album": album.share_token}


# (method, path template, body) for every endpoint that addresses one of `owned`'s objects.
OBJECT_ENDPOINTS = [
    ("get", "/api/v1/images/{upload}/", None),
    ("delete", "/api/v1/images/{upload}/", None),
    ("get", "/api/v1/images/{upload}/file/", None),
    ("get", "/api/v1/images/{upload}/thumbnail/", None),
    ("get", "/api/v1/jobs/{job}/", None),
    ("post", "/api/v1/jobs/{job}/cancel/", None),
    ("post", "/api/v1/jobs/{job}/save-partial/", None),
    ("get", "/api/v1/jobs/{job}/preview/", None),
    ("get", "/api/v1/results/{result}/", None),
    ("patch", "/api/v1/results/{result}/", {"visibility": "public"}),
    ("delete", "/api/v1/results/{result}/", None),
    ("get", "/api/v1/results/{result}/download/", None),
    ("get", "/api/v1/results/{result}/thumbnail/", None),
    ("get", "/api/v1/results/?album={album}", None),
    ("get", "/api/v1/albums/{album}/", None),
    ("patch", "/api/v1/albums/{album}/", {"title": "Mine now"}),
    ("delete", "/api/v1/albums/{album}/", None),
    ("get", "/api/v1/albums/{album}/results/", None),
    ("post", "/api/v1/albums/{album}/results/", {"result": "{result}"}),
    ("delete", "/api/v1/albums/{album}/results/{result}/", None),
]


def call(client, method: str, path: str, body: dict | None, owned: dict):  # noqa: ANN001, ANN201
    data = {key: value.format(**owned) for key, value in body.items()} if body else None
    return getattr(client, method)(path.format(**owned), data, format="json")
