"""The job page offers pictures to click: the user's photos, fast styles (enabled Johnson models), the
user's own styles and the catalogue's style pictures; what it posts is judged by job_create."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gallery.studio import selectors as studio_selectors
from gallery.studio import services as studio_services
from gallery.studio.algorithms import GATYS
from gallery.studio.models import Job
from gallery.stylemodels.models import ModelStyleCopy
from tests.stylemodels.conftest import photo as picture
from tests.stylemodels.conftest import png_bytes

pytestmark = pytest.mark.django_db

URL = "/jobs/new/"


@pytest.fixture
def candy(style_model_factory):  # noqa: ANN001, ANN201
    return style_model_factory("johnson", name="Candy", style_image=png_bytes(picture(48, seed=5)))


@pytest.fixture
def photo(owner, upload_factory):  # noqa: ANN001, ANN201
    return upload_factory(owner, name="harbour.png")


def test_the_page_lists_the_pictures_of_each_section(owner, owner_client: Client, photo, candy, upload_factory) -> None:  # noqa: ANN001
    own = upload_factory(owner, kind="style", name="blue-waves.png")
    page = owner_client.get(URL).content.decode()
    sections = re.split(r'<h3 class="pick-head">', page)
    assert f'src="/uploads/{photo.pk}/thumb"' in sections[0] and "harbour" in sections[0]
    fast, yours, catalogue = (next(s for s in sections if s.startswith(head)) for head in ("Fast", "Your", "Catalogue"))
    assert f'src="{candy.style_url()}"' in fast and f'name="johnson-model" value="{candy.pk}"' in fast
    assert f'src="/uploads/{own.pk}/thumb"' in yours and "blue waves" in yours
    assert f'src="{candy.style_url()}"' in catalogue and f'value="catalogue-{candy.pk}"' in catalogue
    assert owner_client.get(candy.style_url()).status_code == 200
    assert "Upload a photo" in page and "?kind=content&amp;next=/jobs/new/" in page


def test_a_fast_style_without_a_style_picture_shows_its_preview(
    owner_client: Client, photo, style_model_factory
) -> None:  # noqa: ANN001
    plain = style_model_factory("johnson", name="Plain")
    page = owner_client.get(URL).content.decode()
    assert f'src="{plain.preview_url()}"' in page
    assert f'value="catalogue-{plain.pk}"' not in page  # no picture to paint with


def test_a_picked_fast_style_makes_a_johnson_job_with_that_model(owner_client: Client, photo, candy) -> None:  # noqa: ANN001
    response = owner_client.post(URL, {"algorithm": "johnson", "content": photo.pk, "johnson-model": candy.pk})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.algorithm == "johnson" and job.options["model"] == candy.pk and job.content == photo


def gatys(photo, style) -> dict[str, object]:  # noqa: ANN001
    """A Gatys request as the page posts it (every option field is on the page)."""
    options = {"size": 32, "steps": 2, "optimizer": "lbfgs", "content_weight": 1, "style_weight": 1e6}
    options |= {"tv_weight": 0.01, "init": "content", "scales": 1}
    return {"algorithm": "gatys", "content": photo.pk, "style": style} | {f"gatys-{k}": v for k, v in options.items()}


def test_a_catalogue_style_is_copied_into_the_users_styles_once(owner, owner_client: Client, photo, candy) -> None:  # noqa: ANN001
    for _ in range(2):
        assert owner_client.post(URL, gatys(photo, f"catalogue-{candy.pk}")).status_code == 302
    copy = studio_selectors.uploads_of(owner, kind="style").get()
    assert copy.title == "Candy" and ModelStyleCopy.objects.get().upload == copy
    assert [job.job_styles.get().upload for job in Job.objects.all()] == [copy, copy]
    with copy.image.open("rb") as made, candy.style_image.open("rb") as source:
        assert made.read() == source.read()
    # The copy is offered as the catalogue picture, not a second time under "Your styles"...
    page = owner_client.get(URL).content.decode()
    assert f'value="{copy.pk}"' not in page
    # ...and running the job again picks that picture.
    again = owner_client.get(f"{URL}?again={Job.objects.first().pk}").content.decode()
    assert re.search(rf'<input [^>]*value="catalogue-{candy.pk}"[^>]*checked>', again)


def test_someone_elses_style_is_refused_with_the_services_message(
    owner_client: Client,
    photo,
    other_user,
    upload_factory,  # noqa: ANN001
) -> None:
    theirs = upload_factory(other_user, kind="style")
    response = owner_client.post(URL, gatys(photo, theirs.pk))
    assert response.status_code == 400 and not Job.objects.exists()
    assert "No such style image: choose one of your style images." in response.content.decode()
    assert response.context["form"].errors["style"] == ["No such style image: choose one of your style images."]


def test_someone_elses_photo_is_refused_with_the_services_message(
    owner_client: Client, other_user, upload_factory, candy
) -> None:  # noqa: ANN001
    theirs = upload_factory(other_user)
    response = owner_client.post(URL, {"algorithm": "johnson", "content": theirs.pk, "johnson-model": candy.pk})
    assert response.status_code == 400 and not Job.objects.exists()
    assert response.context["form"].errors["content"] == ["No such photo: choose one of your photos."]


def test_algorithms_that_cannot_run_are_not_offered_and_say_why_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path, owner, owner_client: Client, photo, upload_factory
) -> None:  # noqa: ANN001
    monkeypatch.setenv("STYLECORE_VGG_WEIGHTS", str(tmp_path / "vgg19-missing.pth"))
    own = upload_factory(owner, kind="style")
    page = owner_client.get(URL).content.decode().split('<details class="card-pad more"')[0]  # the picker
    assert 'name="style"' not in page and f"/uploads/{own.pk}/thumb" not in page  # Gatys and Chen need VGG19
    assert 'name="johnson-model"' not in page  # no fast style model is enabled
    assert page.count("Gatys (optimisation) needs the VGG19 weights") == 1
    assert page.count("Fast styles aren&#x27;t available yet on this site.") == 1
    assert 'name="content"' in page  # the photo grid is still there (Denoise can run)


def test_picked_styles_run_with_chen_when_a_decoder_is_enabled_else_gatys(
    owner_client: Client, photo, style_model_factory
) -> None:  # noqa: ANN001
    assert 'data-any-style="gatys"' in owner_client.get(URL).content.decode()
    style_model_factory("chen-decoder", name="Decoder")
    assert 'data-any-style="chen"' in owner_client.get(URL).content.decode()


def test_the_page_starts_gatys_on_its_quick_preset(owner_client: Client, photo) -> None:  # noqa: ANN001
    quick = GATYS.presets[0]
    page = owner_client.get(URL).content.decode()
    assert quick.name == "quick"
    for option, value in quick.options.items():
        assert f'name="gatys-{option}" value="{value}"' in page
    assert 'name="preset-gatys" value="quick"' in page


def test_run_again_picks_the_jobs_fast_style(owner, owner_client: Client, photo, candy, upload_factory) -> None:  # noqa: ANN001
    upload_factory(owner, name="newer.png")  # the page would start on the newest photo otherwise
    job = studio_services.job_create(
        owner=owner, algorithm="johnson", content=photo, options={"model": candy.pk, "size": 64}
    )
    page = owner_client.get(f"{URL}?again={job.pk}").content.decode()
    assert re.search(rf'<input [^>]*name="johnson-model" value="{candy.pk}"[^>]*checked>', page)
    assert re.search(rf'<input [^>]*name="content" value="{photo.pk}"[^>]*checked>', page)
    assert len(re.findall(r'<input [^>]*name="content"[^>]*checked>', page)) == 1
    assert re.search(r'<option value="johnson" selected>', page) and 'name="johnson-size" value="64"' in page
