"""Per-person limits on the queue (settings STUDIO MAX_ACTIVE_JOBS and MAX_QUEUED_WORK), judged by
job_create for the job page, the API and the compare page alike; staff have none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import Client
from django.urls import reverse

from gallery.studio import algorithms, services
from gallery.studio.models import Job
from stylecore import zsn2n
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db

TINY = {"size": 32, "steps": 300, "optimizer": "adam"}  # 32² x 300 = 0.31 megapixel-steps


@pytest.fixture
def limits(settings):  # noqa: ANN001, ANN201
    """limits(jobs=, work=) sets the per-person limits for the test."""

    def set_limits(*, jobs: int = 10, work: int = 120_000) -> None:
        settings.STUDIO = {**settings.STUDIO, "MAX_ACTIVE_JOBS": jobs, "MAX_QUEUED_WORK": work}

    return set_limits


@pytest.fixture
def ask(upload_factory):  # noqa: ANN001, ANN201
    """ask(person, **options) -> job_create for a Gatys job of theirs (TINY unless changed)."""
    inputs: dict[int, tuple] = {}

    def make(person, **options: object) -> Job:  # noqa: ANN001
        if person.pk not in inputs:
            inputs[person.pk] = (upload_factory(person), upload_factory(person, kind="style", name="style.png"))
        photo, style = inputs[person.pk]
        return services.job_create(
            owner=person, algorithm="gatys", content=photo, styles=[(style, 1.0)], options={**TINY, **options}
        )

    return make


def refusal(ask, person, **options: object) -> str:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        ask(person, **options)
    (message,) = refused.value.message_dict[NON_FIELD_ERRORS]
    return message


def test_a_person_at_the_job_limit_is_refused_until_one_ends(ask, owner, limits):  # noqa: ANN001
    limits(jobs=2)
    first, _ = ask(owner), ask(owner)
    assert "You have 2 jobs queued or running" in refusal(ask, owner)
    assert Job.objects.filter(owner=owner).count() == 2  # nothing was made

    services.job_cancel(job=first, by=owner)
    assert ask(owner).state == Job.State.QUEUED


def test_running_jobs_count_towards_the_limit(ask, owner, limits):  # noqa: ANN001
    limits(jobs=1)
    Job.objects.filter(pk=ask(owner).pk).update(state=Job.State.RUNNING)
    assert "You have 1 job queued or running" in refusal(ask, owner)


def test_queued_work_is_limited(ask, owner, limits):  # noqa: ANN001
    limits(work=1)  # one megapixel-step: three tiny jobs fit, a fourth does not
    for _ in range(3):
        ask(owner)
    message = refusal(ask, owner)
    assert "your queued work would add up to 1.2 megapixel-steps (pixels × steps), more than the 1 one" in message
    assert ask(owner, steps=2).state == Job.State.QUEUED  # a smaller one still fits


def test_a_job_too_big_on_its_own_is_refused_with_its_own_reason(ask, owner, limits):  # noqa: ANN001
    limits(work=1)
    message = refusal(ask, owner, size=128)
    assert message.startswith("This job alone is 4.9 megapixel-steps of work") and "make it smaller" in message


def test_only_queued_work_counts(ask, owner, limits):  # noqa: ANN001
    limits(work=1)
    for _ in range(3):
        Job.objects.filter(pk=ask(owner).pk).update(state=Job.State.SUCCEEDED)
    assert ask(owner).state == Job.State.QUEUED


def test_other_people_are_not_held_back_by_someone_elses_jobs(ask, owner, other_user, limits):  # noqa: ANN001
    limits(jobs=1)
    ask(owner)
    assert ask(other_user).state == Job.State.QUEUED


def test_staff_have_no_limit(ask, staff_user, limits):  # noqa: ANN001
    limits(jobs=1, work=1)
    assert [ask(staff_user, size=128).state for _ in range(3)] == [Job.State.QUEUED] * 3


def test_the_api_answers_400_with_the_reason(ask, owner, limits):  # noqa: ANN001
    limits(jobs=1)
    job = ask(owner)
    body = {
        "algorithm": "gatys",
        "content": job.content_id,
        "styles": [{"id": job.job_styles.get().upload_id}],
        "options": TINY,
    }
    response = api_for(owner).post("/api/v1/jobs/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("You have 1 job queued or running")
    assert error["fields"] == {"non_field_errors": [error["message"]]}


def test_the_job_page_shows_the_reason_and_keeps_the_choices(ask, owner, owner_client: Client, limits):  # noqa: ANN001
    limits(jobs=1)
    job = ask(owner)
    form = {
        "algorithm": "gatys",
        "content": job.content_id,
        "style": job.job_styles.get().upload_id,
        f"weight_{job.job_styles.get().upload_id}": 1,
        **{f"gatys-{name}": value for name, value in {**TINY, "content_weight": 1, "style_weight": 1000}.items()},
        "gatys-tv_weight": 0.01,
        "gatys-init": "content",
        "gatys-scales": 1,
    }
    response = owner_client.post(reverse("studio:job_create"), form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "You have 1 job queued or running, the most one person may have" in page
    assert 'value="300"' in page  # the steps asked for are still there
    assert Job.objects.filter(owner=owner).count() == 1


def test_the_compare_page_is_judged_as_a_whole(owner, upload_factory, limits):  # noqa: ANN001
    from gallery.stylemodels.services import jobs_compare_create

    limits(work=1)
    photo, style = upload_factory(owner), upload_factory(owner, kind="style", name="style.png")
    with pytest.raises(ValidationError) as refused:
        jobs_compare_create(
            owner=owner, content=photo, style=style, algorithms=["gatys"], options={"gatys": {**TINY, "size": 128}}
        )
    assert refused.value.message_dict[NON_FIELD_ERRORS][0].startswith("This job alone")
    assert not Job.objects.exists()


def test_each_algorithm_estimates_its_work(owner, upload_factory):  # noqa: ANN001
    photo = upload_factory(owner, size=(40, 30))
    gatys, denoise = algorithms.REGISTRY["gatys"], algorithms.REGISTRY["denoise"]
    assert gatys.work({"size": 512, "steps": 300, "scales": 1}, photo) == 512 * 512 * 300
    denoise_pass = zsn2n.pixel_steps(zsn2n.CROP_DEFAULT_STEPS, 512 * 512, blend=0.0)  # crops, ZS-N2N alone
    assert (
        gatys.work({"size": 512, "steps": 300, "scales": 2, "denoise": True}, photo) == 512 * 512 * 600 + denoise_pass
    )
    # Denoise: each step over the photo or a fixed batch of crops of a larger one, then one output pass
    # and the non-local means it is blended with
    nlm, blend = zsn2n.NLM_PIXEL_STEPS, zsn2n.DEFAULT_BLEND
    assert denoise.work({"steps": 100, "blend": blend}, photo) == 40 * 30 * 100 + 40 * 30 // 4 + int(nlm * 40 * 30)
    assert denoise.work({"steps": None, "blend": blend}, photo) == 40 * 30 * zsn2n.DEFAULT_STEPS + 40 * 30 // 4 + int(
        nlm * 40 * 30
    )  # the cap
    assert denoise.work(
        {"steps": 100, "blend": blend}, SimpleNamespace(width=4000, height=3000)
    ) == zsn2n.STEP_PIXELS * 100 + 4000 * 3000 // 4 + int(nlm * 4000 * 3000)
    # a photo that trains on crops has its own cap
    assert denoise.work(
        {"steps": None, "blend": blend}, SimpleNamespace(width=1000, height=1000)
    ) == zsn2n.STEP_PIXELS * zsn2n.CROP_DEFAULT_STEPS + 1000 * 1000 // 4 + int(nlm * 1000 * 1000)
    assert denoise.work({"steps": 100, "blend": 0}, photo) == 40 * 30 * 100 + 40 * 30 // 4  # the network alone
    assert denoise.work({"steps": 100}, photo) == 40 * 30 * 100 + 40 * 30 // 4  # a job from before the blend
    assert algorithms.one_pass_work({"size": None}, photo) == 40 * 30  # Johnson and Chen: one pass
    assert algorithms.one_pass_work({"size": 100}, photo) == 100 * 100


def test_a_jobs_work_is_kept_on_it(ask, owner):  # noqa: ANN001
    assert ask(owner).work == 32 * 32 * 300
