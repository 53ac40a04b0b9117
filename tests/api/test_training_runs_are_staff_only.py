"""Training runs are staff's, with the admin's permissions: everyone else gets 403 in the error shape (anonymous:
401) on every operation, whether the run exists or not, and nothing changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from gallery.core.runs import RunState
from gallery.stylemodels.models import TrainingRun

from .conftest import api_for, assert_error

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("get", "/api/v1/training-runs/"),
    ("post", "/api/v1/training-runs/"),
    ("get", "/api/v1/training-runs/{run}/"),
    ("delete", "/api/v1/training-runs/{run}/"),
    ("post", "/api/v1/training-runs/{run}/cancel/"),
    ("post", "/api/v1/training-runs/{run}/resume/"),
    ("get", "/api/v1/training-runs/{run}/preview/"),
    ("get", "/api/v1/training-runs/987654/"),
]


@pytest.fixture
def run(staff_user) -> TrainingRun:  # noqa: ANN001
    return TrainingRun.objects.create(name="Waves", created_by=staff_user, state=RunState.FAILED)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_other_users_get_403_and_anonymous_401(owner_api, anon_api, run, method: str, path: str) -> None:  # noqa: ANN001
    path = path.format(run=run.pk)
    assert_error(getattr(owner_api, method)(path, {"name": "Mine"}), 403, "permission_denied")
    assert_error(getattr(anon_api, method)(path, {"name": "Mine"}), 401, "not_authenticated")
    assert list(TrainingRun.objects.values_list("pk", "state")) == [(run.pk, RunState.FAILED)]


def test_staff_need_the_admins_permission_for_each_operation(django_user_model, run) -> None:  # noqa: ANN001
    viewer = django_user_model.objects.create_user("vera", "vera@example.com", "pw", is_staff=True)
    api = api_for(viewer)
    assert_error(api.get("/api/v1/training-runs/"), 403, "permission_denied")

    viewer.user_permissions.add(Permission.objects.get(codename="view_trainingrun"))
    assert api.get("/api/v1/training-runs/").json()["count"] == 1
    assert api.get(f"/api/v1/training-runs/{run.pk}/").json()["name"] == "Waves"
    assert_error(api.post(f"/api/v1/training-runs/{run.pk}/resume/"), 403, "permission_denied")
    assert_error(api.delete(f"/api/v1/training-runs/{run.pk}/"), 403, "permission_denied")
    assert TrainingRun.objects.get().state == RunState.FAILED
