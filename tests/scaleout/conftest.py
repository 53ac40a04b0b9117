"""The scale-out tests run only on the services `./dev test --scale-out` starts (tests/scaleout/services.py):
PostgreSQL, Redis (django-q2's broker and the channel layer) and S3 media on moto's emulator. Anywhere else they
are skipped when collected, costing nothing, unless REQUIRE_SCALEOUT is set: then they fail."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Worker

HERE = Path(__file__).resolve().parent
NEEDED = ("Q_REDIS_URL", "CHANNEL_REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL")
HOW = "run them with ./dev test --scale-out (starts PostgreSQL, Redis and an S3 emulator)"


def missing() -> list[str]:
    names = [name for name in NEEDED if not os.environ.get(name)]
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        names.insert(0, "DATABASE_URL=postgres://...")
    return names


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(item.path).parents]
    for item in ours:
        item.add_marker(pytest.mark.scaleout)
    absent = missing()
    if absent and not os.environ.get("REQUIRE_SCALEOUT"):
        skip = pytest.mark.skip(reason=f"scale-out services not configured ({', '.join(absent)}): {HOW}")
        for item in ours:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _services_required() -> None:
    if absent := missing():
        pytest.fail(f"REQUIRE_SCALEOUT is set but these are not: {', '.join(absent)}; {HOW}", pytrace=False)


STARTED = re.compile(r"job (\d+) started by worker process")


def jobs_started(worker: Worker) -> list[int]:
    """The jobs this worker claimed, from its log (gallery.core.runs logs each claim)."""
    return [int(pk) for pk in STARTED.findall(worker.log())]


@pytest.fixture(scope="module")
def two_workers(worker_factory: Callable[..., Worker]) -> tuple[Worker, Worker]:
    """Two `manage.py qcluster` processes on the same Redis queue and PostgreSQL database."""
    return worker_factory(), worker_factory()


from tests.stylemodels.conftest import style_model_factory  # noqa: E402, F401  (the webcam test's style model)
