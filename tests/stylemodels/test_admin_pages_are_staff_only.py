"""The style model and training admin pages answer staff and send everyone else away."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gallery.stylemodels import services
from gallery.stylemodels.models import StyleModel, TrainingRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(style_model_factory, staff_user) -> list[tuple[str, str]]:  # noqa: ANN001
    model = style_model_factory("johnson")
    run = TrainingRun.objects.create(name="r", created_by=staff_user, loss_history=[{"step": 1, "total": 2.0}])
    return [
        ("get", reverse("admin:stylemodels_stylemodel_changelist")),
        ("get", reverse("admin:stylemodels_stylemodel_add")),
        ("get", reverse("admin:stylemodels_stylemodel_change", args=[model.pk])),
        ("get", reverse("admin:stylemodels_trainingrun_changelist")),
        ("get", reverse("admin:stylemodels_trainingrun_add")),
        ("get", reverse("admin:stylemodels_trainingrun_change", args=[run.pk])),
        ("get", reverse("admin:stylemodels_trainingrun_progress", args=[run.pk])),
        ("post", reverse("admin:stylemodels_trainingrun_cancel", args=[run.pk])),
    ]


def test_staff_get_every_page(staff_client, pages) -> None:  # noqa: ANN001
    for method, url in pages:
        if method == "get":
            response = staff_client.get(url)
            assert response.status_code == 200, url


def test_others_are_sent_to_the_admin_login(owner_client, pages) -> None:  # noqa: ANN001
    for client in (owner_client, Client()):
        for method, url in pages:
            response = getattr(client, method)(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert TrainingRun.objects.get().state == TrainingRun.State.QUEUED  # the refused POST changed nothing


def test_the_list_shows_preview_thumbnails_and_filters(staff_client, style_model_factory) -> None:  # noqa: ANN001
    model = style_model_factory("johnson", name="Waves")
    page = staff_client.get(reverse("admin:stylemodels_stylemodel_changelist") + "?enabled__exact=1&q=wav")
    assert model.preview_url() in page.content.decode()


def test_bulk_actions_enable_disable_and_regenerate_previews(staff_client, style_model_factory) -> None:  # noqa: ANN001
    first, second = style_model_factory("johnson", enabled=False), style_model_factory("johnson", enabled=False)
    url = reverse("admin:stylemodels_stylemodel_changelist")
    ids = [first.pk, second.pk]

    staff_client.post(url, {"action": "enable_models", "_selected_action": ids})
    assert StyleModel.objects.filter(enabled=True).count() == 2
    staff_client.post(url, {"action": "disable_models", "_selected_action": [first.pk]})
    assert list(StyleModel.objects.filter(enabled=True)) == [second]

    old = first.preview.name
    staff_client.post(url, {"action": "regenerate_previews", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.preview.name != old and first.preview.storage.exists(first.preview.name)
    assert not first.preview.storage.exists(old)


def test_the_training_page_carries_the_loss_curve_and_its_data(staff_client, staff_user) -> None:  # noqa: ANN001
    run = TrainingRun.objects.create(
        name="r", created_by=staff_user, loss_history=[{"step": 1, "total": 3.0}, {"step": 2, "total": 2.0}]
    )
    page = staff_client.get(reverse("admin:stylemodels_trainingrun_change", args=[run.pk])).content.decode()
    assert 'id="loss-curve"' in page and "js/loss-curve.js" in page
    assert reverse("admin:stylemodels_trainingrun_progress", args=[run.pk]) in page
    data = staff_client.get(reverse("admin:stylemodels_trainingrun_progress", args=[run.pk])).json()
    assert [p["step"] for p in data["history"]] == [1, 2]


def test_a_queued_run_is_cancelled_at_once(staff_client, staff_user) -> None:  # noqa: ANN001
    run = TrainingRun.objects.create(name="r", created_by=staff_user)
    staff_client.post(reverse("admin:stylemodels_trainingrun_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == TrainingRun.State.CANCELLED
    with pytest.raises(Exception):  # noqa: B017 - nothing to resume without photos
        services.training_run_resume(run=run)


def test_deleting_a_run_removes_its_work_folder(staff_client, staff_user, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    run = TrainingRun.objects.create(name="r", created_by=staff_user, state=TrainingRun.State.CANCELLED)
    folder = services.training_dir(run)
    folder.mkdir(parents=True)
    (folder / "resume.safetensors").write_bytes(b"checkpoint")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:stylemodels_trainingrun_delete", args=[run.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not TrainingRun.objects.exists() and not folder.exists()


def test_a_running_run_cannot_be_deleted(staff_client, staff_user) -> None:  # noqa: ANN001
    run = TrainingRun.objects.create(name="r", created_by=staff_user, state=TrainingRun.State.RUNNING)
    response = staff_client.post(reverse("admin:stylemodels_trainingrun_delete", args=[run.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert TrainingRun.objects.filter(pk=run.pk).exists()
