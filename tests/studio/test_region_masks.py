"""Region masks (issue #17): a mask is an upload of its own kind, checked when it arrives; a job gives
each style one (Johnson: its model), judged like its photo; batches refuse them; the worker hands
local copies to the algorithm, one per style in order."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from gallery.studio import algorithms, services
from gallery.studio.models import Job, JobMask, Upload
from gallery.stylemodels.models import Kind, StyleModel
from stylecore.record import RunRecord
from tests.conftest import image_bytes, uploaded

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 2, "scales": 1}


def mask_bytes(size: tuple[int, int] = (40, 32), *, covered: bool = True) -> bytes:
    """White (the style) on the left half, black elsewhere; all black when not `covered`."""
    image = Image.new("L", size, 0)
    if covered:
        image.paste(255, (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_mask(owner, name: str = "harbour sky.png"):  # noqa: ANN001, ANN201
    return services.upload_create(owner=owner, file=uploaded(name, mask_bytes()), kind=Upload.Kind.MASK)


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def photo(owner, upload_factory):  # noqa: ANN001, ANN201
    return upload_factory(owner, name="harbour.png", size=(40, 32))


@pytest.fixture
def styles(owner, upload_factory):  # noqa: ANN001, ANN201
    return [upload_factory(owner, kind="style", name=name) for name in ("Candy.png", "Mosaic.png")]


def test_a_mask_upload_is_its_own_kind_named_after_its_file(owner) -> None:  # noqa: ANN001
    mask = make_mask(owner)
    assert (mask.kind, mask.title, mask.get_kind_display()) == ("mask", "harbour sky", "Mask")
    assert mask.image.storage.exists(mask.image.name) and mask.thumbnail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (mask_bytes(covered=False), "The mask covers nothing"),
        (b"not an image at all", "image"),
    ],
    ids=["all black", "not an image"],
)
def test_a_bad_mask_is_refused_with_its_message_and_nothing_is_written(owner, data: bytes, message: str) -> None:  # noqa: ANN001
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        services.upload_create(owner=owner, file=uploaded("sky.png", data), kind=Upload.Kind.MASK)
    assert message in " ".join(refused.value.message_dict["file"])
    assert not Upload.objects.exists() and stored_files() == before


def test_masks_are_stored_per_style_in_order(owner, photo, styles) -> None:  # noqa: ANN001
    sky = make_mask(owner)
    job = services.job_create(
        owner=owner,
        algorithm="gatys",
        content=photo,
        styles=[(styles[0], 1.0), (styles[1].pk, 1.0)],
        masks=[sky.pk, None],  # the second style covers the rest
        options=TINY,
    )
    assert [(m.position, m.upload) for m in job.job_masks.all()] == [(0, sky)]
    assert job.options["unmasked"] == "photo"


def test_no_masks_or_only_nones_store_nothing(owner, photo, styles) -> None:  # noqa: ANN001
    job = services.job_create(
        owner=owner, algorithm="gatys", content=photo, styles=[(styles[0], 1.0)], masks=[None], options=TINY
    )
    assert not JobMask.objects.filter(job=job).exists()


def test_someone_elses_mask_a_missing_one_and_a_style_read_alike(owner, other_user, photo, styles) -> None:  # noqa: ANN001
    theirs = make_mask(other_user)
    for wrong in (theirs.pk, 10**9, styles[1].pk):
        with pytest.raises(ValidationError) as refused:
            services.job_create(
                owner=owner,
                algorithm="gatys",
                content=photo,
                styles=[(styles[0], 1.0), (styles[1], 1.0)],
                masks=[None, wrong],
                options=TINY,
            )
        assert refused.value.message_dict == {"masks.1": ["No such mask: upload or paint one."]}
    assert not Job.objects.exists()


def test_the_mask_count_must_match_the_styles(owner, photo, styles) -> None:  # noqa: ANN001
    sky = make_mask(owner)
    with pytest.raises(ValidationError) as refused:
        services.job_create(
            owner=owner, algorithm="gatys", content=photo, styles=[(styles[0], 1.0)], masks=[sky, sky], options=TINY
        )
    assert refused.value.message_dict["masks"] == ["Give one mask per style (1), or none: 2 were given."]


def test_an_algorithm_without_masks_refuses_them(owner, photo) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        services.job_create(owner=owner, algorithm="denoise", content=photo, masks=[make_mask(owner)])
    assert refused.value.message_dict["masks"] == ["Denoise (ZS-N2N) takes no masks."]


def enabled(kind: str, slug: str) -> StyleModel:
    model = StyleModel(name=slug.title(), slug=slug, kind=kind, enabled=True, source=StyleModel.Source.UPLOADED)
    model.file.name = f"models/{kind}/{slug}.safetensors"
    model.save()
    return model


def test_johnson_takes_one_mask_for_its_model(owner, photo) -> None:  # noqa: ANN001
    model = enabled(Kind.JOHNSON, "candy")
    sky = make_mask(owner)
    job = services.job_create(owner=owner, algorithm="johnson", content=photo, options={"model": model.pk}, masks=[sky])
    assert [m.upload for m in job.job_masks.all()] == [sky]
    with pytest.raises(ValidationError) as refused:
        services.job_create(
            owner=owner, algorithm="johnson", content=photo, options={"model": model.pk}, masks=[sky, sky]
        )
    assert refused.value.message_dict["masks"] == ["Johnson (fast style network) takes one mask, for its style model."]


def test_chen_takes_several_styles_only_when_they_have_masks(owner, photo, styles) -> None:  # noqa: ANN001
    options = {"decoder": enabled(Kind.CHEN_DECODER, "decoder").pk}
    two = [(styles[0], 1.0), (styles[1], 1.0)]
    with pytest.raises(ValidationError) as refused:
        services.job_create(owner=owner, algorithm="chen", content=photo, styles=two, options=options)
    assert refused.value.message_dict == {
        "styles": ["Chen style swap (any style, fast) takes exactly one style image."]
    }
    job = services.job_create(
        owner=owner, algorithm="chen", content=photo, styles=two, options=options, masks=[make_mask(owner), None]
    )
    assert job.job_styles.count() == 2 and job.job_masks.count() == 1


def test_a_batch_refuses_masks_with_a_clear_message(owner, photo, styles) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        services.batch_create(
            owner=owner, algorithm="gatys", photos=[photo], styles=styles, masks=[make_mask(owner)], options=TINY
        )
    assert refused.value.message_dict["masks"] == [services.BATCH_MASKS]
    assert not Job.objects.exists()


def test_the_worker_passes_local_copies_of_the_masks_one_per_style(owner, photo, styles, monkeypatch) -> None:  # noqa: ANN001
    seen: dict[str, list] = {}

    def run(config, inputs, on_progress):  # noqa: ANN001, ANN202
        seen["masks"] = [(path.read_bytes() if path else None) for path in inputs.masks]
        inputs.output.write_bytes(image_bytes((32, 32)))
        return RunRecord(algorithm="gatys", steps_done=1)

    monkeypatch.setitem(algorithms.REGISTRY, "gatys", dataclasses.replace(algorithms.GATYS, run=run))
    sky = make_mask(owner)
    job = services.job_create(
        owner=owner,
        algorithm="gatys",
        content=photo,
        styles=[(styles[0], 1.0), (styles[1], 1.0)],
        masks=[None, sky],
        options=TINY,
    )
    assert services.job_execute(job_id=job.pk)
    assert seen["masks"] == [None, sky.image.open("rb").read()]
    assert Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED


def test_a_job_whose_mask_was_deleted_fails_with_a_plain_message(owner, photo, styles) -> None:  # noqa: ANN001
    sky = make_mask(owner)
    job = services.job_create(
        owner=owner, algorithm="gatys", content=photo, styles=[(styles[0], 1.0)], masks=[sky], options=TINY
    )
    services.upload_delete(upload=sky, by=owner)
    services.job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.message) == (Job.State.FAILED, "An image this job needs was deleted before it ran.")


def test_a_job_without_masks_keeps_no_unmasked_option(owner, upload_factory) -> None:  # noqa: ANN001
    photo, style = upload_factory(owner), upload_factory(owner, kind="style")
    job = services.job_create(
        owner=owner, algorithm="gatys", content=photo, styles=[(style, 1.0)], options={"unmasked": "style"}
    )
    assert "unmasked" not in job.options  # it only means something with a mask
