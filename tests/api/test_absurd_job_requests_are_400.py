"""A job request the job page would refuse is a 400 naming the field; no job is created."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def images(upload_image) -> dict:  # noqa: ANN001
    return {"content": upload_image("content")["id"], "style": upload_image("style", "waves.png")["id"]}


def post(api, images: dict, *, options: dict | None = None, **fields: object):  # noqa: ANN001, ANN201
    body = {
        "algorithm": "gatys",
        "content": images["content"],
        "styles": [{"id": images["style"]}],
        "options": options or {},
    }
    return api.post("/api/v1/jobs/", {**body, **fields}, format="json")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"size": 10**6}, "options.size"),
        ({"steps": -5}, "options.steps"),
        ({"steps": "many"}, "options.steps"),
        ({"optimizer": "sgd"}, "options.optimizer"),
        ({"style_weight": -1}, "options.style_weight"),
        ({"colour": "red"}, "options.colour"),
    ],
)
def test_absurd_options_are_named(owner_api, images, options, field) -> None:  # noqa: ANN001
    assert_error(post(owner_api, images, options=options), 400, "invalid", field)
    assert not Job.objects.exists()


def test_the_option_message_is_the_one_the_page_shows(owner_api, owner_client, images) -> None:  # noqa: ANN001
    api = post(owner_api, images, options={"size": 10**6}).json()["error"]["fields"]["options.size"][0]
    from gallery.studio.algorithms import GatysOptionsForm

    defaults = {f"gatys-{name}": f.initial for name, f in GatysOptionsForm.base_fields.items() if f.initial is not None}
    form = {"algorithm": "gatys", "content": images["content"], "style_1": images["style"], "weight_1": 1}
    page = owner_client.post("/jobs/new/", {**form, **defaults, "gatys-size": 10**6})
    assert page.status_code == 400 and api in page.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"algorithm": "picasso"}, "algorithm"),
        ({"algorithm": "video"}, "algorithm"),  # unlisted: video jobs come from their own page
        ({"styles": []}, "styles"),
        ({"styles": [{"id": 0}]}, "styles.0.id"),
        ({"styles": [{"weight": 1}]}, "styles.0.id"),
        ({"content": None}, "content"),
        ({"content": 2**70}, "content"),
        ({"styles": [{"id": 2**70}]}, "styles.0.id"),
        ({"options": [1, 2]}, "options"),
    ],
)
def test_bad_requests_are_named(owner_api, images, fields, field) -> None:  # noqa: ANN001
    assert_error(post(owner_api, images, **fields), 400, "invalid", field)
    assert not Job.objects.exists()


def test_a_zero_or_negative_blend_weight_is_refused(owner_api, images) -> None:  # noqa: ANN001
    response = post(owner_api, images, styles=[{"id": images["style"], "weight": 0}])
    assert_error(response, 400, "invalid", "styles")
    assert not Job.objects.exists()


def test_someone_elses_images_read_as_missing(other_api, images) -> None:  # noqa: ANN001
    response = post(other_api, images)
    assert_error(response, 400, "invalid", "content", "styles.0.id")
    assert not Job.objects.exists()


def test_a_style_image_cannot_be_the_photo(owner_api, images) -> None:  # noqa: ANN001
    assert_error(post(owner_api, images, content=images["style"]), 400, "invalid", "content")


def test_thousands_of_style_ids_are_refused_by_count_before_any_lookup(
    owner_api,
    images,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    styles = [{"id": images["style"]}] * 5000
    with django_assert_max_num_queries(25):  # the same few queries as one style: none per id
        response = post(owner_api, images, styles=styles)
    assert_error(response, 400, "invalid", "styles")
    assert "between 1 and 3" in response.json()["error"]["fields"]["styles"][0]
    assert not Job.objects.exists()
