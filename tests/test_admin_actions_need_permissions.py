"""Every admin action of every registered ModelAdmin (ours and other packages') declares the permissions it
needs. A staff user who may only view is not offered any of them, and a forged POST of each changes nothing
anywhere in the database; a staff user with the model's permissions runs each and it does its work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, Success

from gallery.studio.models import Job
from gallery.stylemodels.models import StyleModel, TrainingRun
from tests.conftest import client_for
from tests.stylemodels.conftest import johnson_file


def registered_actions() -> list[tuple[type[Model], str, Any]]:
    """(model, action name, function) for every action the admin offers a superuser."""
    request = RequestFactory().get("/admin/")
    request.user = User(is_active=True, is_staff=True, is_superuser=True)
    return [
        (model, name, func)
        for model, model_admin in admin.site._registry.items()
        for name, (func, _, _) in model_admin.get_actions(request).items()
    ]


ACTIONS = registered_actions()
CUSTOM_ACTIONS = [(model, name) for model, name, _ in ACTIONS if name != "delete_selected"]  # Django's own: "delete"


def action_id(model: type[Model], name: str, *_: object) -> str:
    return f"{model._meta.label}.{name}"


@pytest.mark.parametrize(("model", "name", "func"), ACTIONS, ids=[action_id(*a) for a in ACTIONS])
def test_every_action_declares_permissions_its_admin_can_check(model, name: str, func) -> None:  # noqa: ANN001
    permissions = getattr(func, "allowed_permissions", ())
    assert permissions, f"{action_id(model, name)} declares no permissions: any staff user who can view may run it"
    model_admin = admin.site._registry[model]
    for permission in permissions:
        assert callable(getattr(model_admin, f"has_{permission}_permission", None)), permission


# --- One row each action can act on ----------------------------------------------------------------


def style_model(tmp_path: Path, **fields: Any) -> StyleModel:
    """A Johnson model with a real (tiny) file and no preview yet, made without the import service's preview."""
    data = johnson_file(tmp_path / "model.safetensors").read_bytes()
    row = StyleModel(name="Tiny waves", slug=f"tiny-{uuid.uuid4().hex[:8]}", kind="johnson", variant="light", **fields)
    row.file.save("model.safetensors", ContentFile(data), save=False)
    row.save()
    return row


def django_q_task(model: type[Success] | type[Failure], success: bool) -> Success | Failure:
    now = timezone.now()
    return model.objects.create(
        id=uuid.uuid4().hex, name="a task", func="math.floor", args=(1.5,), started=now, stopped=now, success=success
    )


ROWS: dict[str, Callable[..., Model]] = {
    "studio.Job": lambda owner, upload_factory, tmp_path: Job.objects.create(
        owner=owner, algorithm="gatys", content=upload_factory(owner)
    ),
    "stylemodels.StyleModel.enable_models": lambda owner, upload_factory, tmp_path: style_model(tmp_path),
    "stylemodels.StyleModel": lambda owner, upload_factory, tmp_path: style_model(tmp_path, enabled=True),
    "stylemodels.TrainingRun": lambda owner, upload_factory, tmp_path: TrainingRun.objects.create(name="Waves"),
    "django_q.Success": lambda owner, upload_factory, tmp_path: django_q_task(Success, True),
    "django_q.Failure": lambda owner, upload_factory, tmp_path: django_q_task(Failure, False),
}


def row_for(model: type[Model], name: str) -> Callable[..., Model]:
    return ROWS.get(action_id(model, name)) or ROWS[model._meta.label]


def test_every_custom_action_has_a_row_to_act_on() -> None:
    missing = [action_id(model, name) for model, name in CUSTOM_ACTIONS if model._meta.label not in ROWS]
    assert not missing, f"add a row factory to ROWS for {missing}"


def database() -> dict[str, list[dict]]:
    """Every row of every table (sessions aside), to compare before and after."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model is not Session
    }


def changelist(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def run_action(client: Client, model: type[Model], name: str, row: Model):  # noqa: ANN201
    return client.post(changelist(model), {"action": name, "_selected_action": [row.pk], "post": "yes"})


@pytest.fixture
def view_only(django_user_model) -> User:  # noqa: ANN001
    user = django_user_model.objects.create_user("vera", "vera@example.com", "a-long-test-password-42", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "name"), CUSTOM_ACTIONS, ids=[action_id(*a) for a in CUSTOM_ACTIONS])
def test_a_view_only_staff_user_is_not_offered_the_action_and_a_forged_post_changes_nothing(
    model, name: str, view_only, owner, upload_factory, tmp_path: Path
) -> None:  # noqa: ANN001
    row = row_for(model, name)(owner, upload_factory, tmp_path)
    client = client_for(view_only)
    page = client.get(changelist(model))
    assert page.status_code == 200 and f'value="{name}"' not in page.content.decode()

    before = database()
    response = run_action(client, model, name, row)
    assert response.status_code in (200, 302)
    assert database() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "name"), CUSTOM_ACTIONS, ids=[action_id(*a) for a in CUSTOM_ACTIONS])
def test_a_staff_user_with_the_models_permissions_runs_the_action(
    model, name: str, view_only, owner, upload_factory, tmp_path: Path
) -> None:  # noqa: ANN001
    row = row_for(model, name)(owner, upload_factory, tmp_path)
    opts = model._meta
    view_only.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=opts.app_label, codename__endswith=f"_{opts.model_name}")
    )
    client = client_for(view_only)
    page = client.get(changelist(model))
    assert f'value="{name}"' in page.content.decode()

    before = database()
    response = run_action(client, model, name, row)
    assert response.status_code == 302
    assert database() != before
