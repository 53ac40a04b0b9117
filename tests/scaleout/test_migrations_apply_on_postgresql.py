"""Every migration applies on an empty PostgreSQL database, and the models need no new one there."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT, subprocess_database_url

pytestmark = pytest.mark.django_db(transaction=True)

FRESH = "gallery_from_zero"


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "STYLECORE_VGG_WEIGHTS": "random"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.fixture
def empty_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {FRESH}")
        cursor.execute(f"CREATE DATABASE {FRESH}")
    yield subprocess_database_url().rsplit("/", 1)[0] + f"/{FRESH}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {FRESH} WITH (FORCE)")


@pytest.mark.timeout(300)
def test_migrations_apply_cleanly_on_an_empty_postgresql_database(empty_database: str) -> None:
    assert connection.vendor == "postgresql"
    migrated = manage("migrate", "--noinput", database_url=empty_database)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    plan = manage("showmigrations", "--plan", database_url=empty_database)
    assert plan.returncode == 0 and "[X]" in plan.stdout
    assert "[ ]" not in plan.stdout, plan.stdout

    check = manage("makemigrations", "--check", "--dry-run", database_url=empty_database)
    assert check.returncode == 0, check.stdout + check.stderr
