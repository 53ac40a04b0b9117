"""The expected time before pressing Stylize: the median rate of the site's recent results of the
algorithm, scaled to the chosen size and steps; the bench's figure for this device before there are any."""

from __future__ import annotations

import pytest
import torch
from django.test import Client

from gallery.studio import selectors
from gallery.studio.algorithms import DENOISE, GATYS
from gallery.studio.models import Result
from stylecore import zsn2n

pytestmark = pytest.mark.django_db

GATYS_FIELDS = {"size": 640, "steps": 50, "optimizer": "lbfgs", "content_weight": 1, "style_weight": 1e6}
GATYS_FIELDS |= {"tv_weight": 0.01, "init": "content", "scales": 1}


def result(  # noqa: ANN001
    owner, *, seconds: float, steps: int, side: int, algorithm: str = "gatys", stopped: bool = False, **params: object
) -> Result:
    """A finished result as the worker records it (side x side pixels, `steps` steps done)."""
    return Result.objects.create(
        owner=owner,
        title="A result",
        image="r.png",
        thumbnail="t.jpg",
        width=side,
        height=side,
        algorithm=algorithm,
        seconds=seconds,
        steps_done=steps,
        params={"steps": steps, "scales": 1} | params,
        stopped=stopped,
    )


def test_with_history_it_scales_the_median_rate_to_the_chosen_size_and_steps(owner) -> None:  # noqa: ANN001
    # 0.25 megapixels x 100 steps = 25 units each: 0.4, 0.5 and 2.0 s per unit -> median 0.5
    for seconds in (10.0, 12.5, 50.0):
        result(owner, seconds=seconds, steps=100, side=500)
    # coarse-to-fine: 200 steps over 2 scales (full and quarter pixels) = 200 x 0.25 x 0.625 = 31.25 units
    result(owner, seconds=0.5 * 31.25, steps=200, side=500, scales=2)
    result(owner, seconds=999, steps=100, side=500, stopped=True)  # a cancelled run says nothing of the rate
    result(owner, seconds=999, steps=1, side=500, algorithm="johnson")

    # a 2000x1000 photo at size 1000 -> 1000x500 = 0.5 megapixels, x 60 steps = 30 units
    expected = selectors.job_expected_time(
        GATYS, options={"size": 1000, "steps": 60, "scales": 1}, width=2000, height=1000
    )

    assert expected["seconds"] == pytest.approx(0.5 * 30)
    assert expected["measured"] and expected["text"].startswith("about 15 s on this worker, about ")
    two_scales = selectors.job_expected_time(
        GATYS, options={"size": 1000, "steps": 60, "scales": 2}, width=2000, height=1000
    )
    assert two_scales["seconds"] == pytest.approx(0.5 * 30 * 2 * 0.625)


def test_without_history_it_uses_this_devices_bench_figure(owner) -> None:  # noqa: ANN001
    result(owner, seconds=5, steps=1, side=500, algorithm="johnson")  # another algorithm's history
    expected = selectors.job_expected_time(
        GATYS, options={"size": 256, "steps": 60, "scales": 1}, width=640, height=480
    )
    assert expected["seconds"] == pytest.approx(GATYS.timing.fallback["cpu"] * 60 * 256 * 192 / 1e6)
    assert not expected["measured"] and expected["text"].startswith("about ")
    assert "on this worker" not in expected["text"]


def test_gatys_says_how_much_memory_it_needs_and_more_for_more_pixels(owner) -> None:  # noqa: ANN001
    small, large = (
        selectors.job_expected_time(GATYS, options={"size": size, "steps": 60, "scales": 1}, width=2000, height=1500)
        for size in (512, 1024)
    )
    assert 0 < small["memory"] < large["memory"]
    assert small["text"].endswith(f", about {small['memory'] / 1e9:.1f} GB of memory")


def test_denoise_counts_its_fixed_size_steps_and_one_pass_over_the_photo(owner) -> None:  # noqa: ANN001
    # 40 steps of STEP_PIXELS each, one output pass over 1 MP (a quarter of a step over it) and the
    # non-local means it is blended with (1.5 steps over it)
    assert zsn2n.NLM_PIXEL_STEPS == 1.5
    units = (40 * zsn2n.STEP_PIXELS + 250_000 + 1_500_000) / 1e6
    result(owner, seconds=8 * units, steps=40, side=1000, algorithm="denoise", blend=0.65)  # 8 s per unit
    blended = {"steps": 100, "blend": 0.65}
    expected = selectors.job_expected_time(DENOISE, options=blended, width=4000, height=3000)
    assert expected["seconds"] == pytest.approx(8 * (100 * zsn2n.STEP_PIXELS + 3_000_000 + 18_000_000) / 1e6)
    small = selectors.job_expected_time(DENOISE, options=blended, width=100, height=50)
    assert small["seconds"] == pytest.approx(8 * (100 * 5000 + 1250 + 7500) / 1e6)  # smaller than a step's crops
    alone = selectors.job_expected_time(DENOISE, options={"steps": 100, "blend": 0}, width=4000, height=3000)
    assert alone["seconds"] == pytest.approx(8 * (100 * zsn2n.STEP_PIXELS + 3_000_000) / 1e6)  # the network alone


def test_results_from_before_the_blend_count_no_non_local_means(owner) -> None:  # noqa: ANN001
    result(owner, seconds=8 * (40 * zsn2n.STEP_PIXELS + 250_000) / 1e6, steps=40, side=1000, algorithm="denoise")
    expected = selectors.job_expected_time(DENOISE, options={"steps": 100, "blend": 0}, width=1000, height=1000)
    assert expected["seconds"] == pytest.approx(8 * (100 * zsn2n.STEP_PIXELS + 250_000) / 1e6)  # 8 s per unit


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.3, "about 1 s"),
        (2.2, "about 2 s"),
        (41, "about 40 s"),
        (70, "about 1 min"),
        (1500, "about 25 min"),
        (5400, "about 1.5 h"),
    ],
)
def test_the_time_reads_as_people_say_it(owner, seconds: float, text: str) -> None:  # noqa: ANN001
    result(owner, seconds=seconds, steps=1, side=1000, algorithm="denoise")  # 1 unit
    expected = selectors.job_expected_time(DENOISE, options={"steps": 1}, width=1000, height=1000)
    assert expected["text"] == f"{text} on this worker"


def test_the_page_asks_for_the_time_of_what_the_form_holds(
    owner, owner_client: Client, upload_factory, other_user
) -> None:  # noqa: ANN001
    photo = upload_factory(owner, size=(64, 48))
    result(owner, seconds=10, steps=100, side=1000)  # 0.1 s per unit
    form = {"algorithm": "gatys", "content": photo.pk} | {f"gatys-{k}": v for k, v in GATYS_FIELDS.items()}
    answer = owner_client.get("/jobs/new/estimate.json", form).json()
    assert answer["seconds"] == pytest.approx(0.1 * 50 * 640 * 480 / 1e6) and answer["measured"]
    # nothing to say for someone else's photo, or while an option is not a valid value yet
    theirs = upload_factory(other_user)
    assert owner_client.get("/jobs/new/estimate.json", form | {"content": theirs.pk}).json() == {"text": ""}
    assert owner_client.get("/jobs/new/estimate.json", form | {"gatys-steps": "5x"}).json() == {"text": ""}


def test_without_history_on_a_device_never_measured_it_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "pick_device", lambda: torch.device("cuda"))  # a GPU worker's site
    assert selectors.job_expected_time(GATYS, options={"size": 256, "steps": 60}, width=640, height=480) is None


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_device_this_process_lacks_gives_no_estimate_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYLECORE_DEVICE", "cuda")  # the worker's setting, on a web machine without a GPU
    assert selectors.job_expected_time(GATYS, options={"size": 256, "steps": 60}, width=640, height=480) is None
