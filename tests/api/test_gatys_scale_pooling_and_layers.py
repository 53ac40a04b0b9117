"""The API takes Gatys' style scale, pooling and layers (layers as a JSON object) and names a bad one."""

from __future__ import annotations

import pytest

from gallery.studio.models import Job

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def images(upload_image) -> dict:  # noqa: ANN001
    return {"content": upload_image("content")["id"], "style": upload_image("style", "waves.png")["id"]}


def post(api, images: dict, options: dict):  # noqa: ANN001, ANN201
    body = {"algorithm": "gatys", "content": images["content"], "styles": [{"id": images["style"]}], "options": options}
    return api.post("/api/v1/jobs/", body, format="json")


def test_a_job_keeps_scale_pooling_and_layers(owner_api, images) -> None:  # noqa: ANN001
    options = {"style_scale": 0.5, "pooling": "avg", "style_layers": {"conv1_1": 1, "conv2_1": 0.5}}
    response = post(owner_api, images, options)
    assert response.status_code == 201, response.content
    saved = response.json()["options"]
    assert saved["style_scale"] == 0.5 and saved["pooling"] == "avg"
    assert saved["style_layers"] == {"conv1_1": 1, "conv2_1": 0.5} and saved["content_layers"] == {"conv4_2": 1.0}
    assert Job.objects.get().options["style_layers"] == {"conv1_1": 1, "conv2_1": 0.5}


def test_left_out_they_take_the_defaults(owner_api, images) -> None:  # noqa: ANN001
    saved = post(owner_api, images, {"size": 64}).json()["options"]
    assert saved["style_scale"] == 1.0 and saved["pooling"] == "max"
    assert saved["style_layers"] == {name: 1.0 for name in ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1")}


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"style_layers": {"conv9_1": 1}}, "options.style_layers", "not a VGG19 layer; choose from conv1_1"),
        ({"style_layers": ["conv1_1"]}, "options.style_layers", "layer:weight pairs"),
        ({"content_layers": {"conv4_2": 0}}, "options.content_layers", "above 0"),
        ({"content_layers": {"conv4_2": "heavy"}}, "options.content_layers", "must be a number"),
        ({"style_scale": 10}, "options.style_scale", "between 0.1 and 4"),
        ({"size": 2048, "style_scale": 3}, "options.style_scale", "6144 pixels"),
        ({"pooling": "min"}, "options.pooling", "min"),
    ],
)
def test_bad_values_are_named_in_the_one_error_shape(owner_api, images, options, field, words) -> None:  # noqa: ANN001
    error = assert_error(post(owner_api, images, options), 400, "invalid", field)
    assert words in " ".join(error["fields"][field])
    assert not Job.objects.exists()


def test_the_schema_shows_layers_as_an_object_in_an_example(anon_api) -> None:  # noqa: ANN001
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    examples = schema["paths"]["/api/v1/jobs/"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    options = [example["value"]["options"] for example in examples.values()]
    assert any(isinstance(o.get("style_layers"), dict) and "style_scale" in o and "pooling" in o for o in options)
