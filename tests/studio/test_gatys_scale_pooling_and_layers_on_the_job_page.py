"""The job page's "More control" has Gatys' style scale, pooling and layers (Chen's patch and stride too),
each with a help picture; bad values get a message on the form and keep what was typed."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from gallery.studio import algorithms
from gallery.studio.models import Job

pytestmark = pytest.mark.django_db

HELP = Path(__file__).resolve().parents[2] / "static" / "img" / "help"


@pytest.fixture
def images(owner, upload_factory):  # noqa: ANN001, ANN201
    return upload_factory(owner), upload_factory(owner, kind="style", name="style.png")


def form_data(content, style, **options: object) -> dict[str, object]:  # noqa: ANN001
    data = {"algorithm": "gatys", "content": content.pk, "style": style.pk, f"weight_{style.pk}": 1}
    defaults = {"size": 32, "steps": 3, "optimizer": "adam", "content_weight": 1, "style_weight": 1e6}
    defaults |= {"tv_weight": 0.01, "init": "content", "scales": 1}
    data.update({f"gatys-{k}": v for k, v in {**defaults, **options}.items()})
    return data


def test_typed_layers_scale_and_pooling_reach_the_job(images, owner_client: Client) -> None:  # noqa: ANN001
    options = {"style_scale": "0.5", "pooling": "avg", "style_layers": "conv1_1:1, conv2_1:0.5", "content_layers": ""}
    response = owner_client.post(reverse("studio:job_create"), form_data(*images, **options))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.options["style_scale"] == 0.5 and job.options["pooling"] == "avg"
    assert job.options["style_layers"] == {"conv1_1": 1.0, "conv2_1": 0.5}
    assert job.options["content_layers"] == {"conv4_2": 1.0}  # left empty: the default
    again = owner_client.get(f"/jobs/new/?again={job.pk}").content.decode()
    assert re.search(r'name="gatys-style_layers"[^>]*>\s*conv1_1:1, conv2_1:0.5</textarea>', again)


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("style_layers", "conv1_1:1, conv9_1:2", "conv9_1: not a VGG19 layer; choose from conv1_1"),
        ("style_layers", "conv1_1:lots", "conv1_1: the weight must be a number"),
        ("content_layers", "conv4_2:0", "above 0"),
        ("style_scale", "20", "between 0.1 and 4"),
    ],
)
def test_a_bad_value_is_shown_on_the_form_with_the_text_kept(
    option: str,
    value: str,
    words: str,
    images,
    owner_client: Client,  # noqa: ANN001
) -> None:
    response = owner_client.post(reverse("studio:job_create"), form_data(*images, **{option: value}))
    assert response.status_code == 400 and not Job.objects.exists()
    form = response.context["option_forms"][0][1]
    assert words in " ".join(form.errors[option])
    page = response.content.decode().replace("&#x27;", "'")
    kept = rf'name="gatys-{option}"[^>]*(value="{value}"|>\s*{value}</textarea>)'
    assert re.search(kept, page) and '<details class="card-pad more" open>' in page


def test_every_pictured_option_shows_its_small_picture_with_alt_text(
    owner, owner_client: Client, upload_factory
) -> None:  # noqa: ANN001
    upload_factory(owner)
    page = owner_client.get("/jobs/new/").content.decode()
    pictured = {
        (entry.name, name): field.help_picture
        for entry in algorithms.offered()
        for name, field in entry.options_form.base_fields.items()
        if getattr(field, "help_picture", None)
    }
    assert {name for _, name in pictured} >= {"style_scale", "pooling", "content_layers", "style_layers"}
    assert {("chen", "patch"), ("chen", "stride")} <= set(pictured)
    for picture in pictured.values():
        file = HELP / picture.file
        assert file.is_file() and file.stat().st_size < 20_000, file
        alt = re.escape(html.escape(picture.alt))
        assert re.search(rf'<img class="help-picture" src="[^"]*/img/help/{picture.file}" alt="{alt}"', page)


def test_the_job_page_writes_layers_as_the_form_takes_them(images, owner, owner_client: Client) -> None:  # noqa: ANN001
    from gallery.studio.services import job_create

    content, style = images
    options = {"style_layers": {"conv1_1": 1, "conv2_1": 0.5}, "pooling": "avg"}
    job = job_create(owner=owner, algorithm="gatys", content=content, styles=[(style, 1.0)], options=options)
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "<dt>Style layers</dt><dd>conv1_1:1, conv2_1:0.5</dd>" in page
    assert "<dt>Content layers</dt><dd>conv4_2:1</dd>" in page and "<dt>Pooling</dt><dd>avg</dd>" in page


def test_the_bench_script_draws_every_committed_picture(tmp_path: Path) -> None:
    from PIL import Image

    from bench import help_pictures

    assert {f"{name}.webp" for name in help_pictures.PICTURES} == {path.name for path in HELP.iterdir()}
    for name, draw in help_pictures.PICTURES.items():
        drawn = draw()
        with Image.open(HELP / f"{name}.webp") as committed:
            assert drawn.size == committed.size == (help_pictures.W, help_pictures.H)
