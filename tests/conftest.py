"""Shared fixtures: the people every permission test uses, images, a real worker process, a real browser.

Tests run with random VGG weights and tiny images. The test database is a SQLite *file* in a
per-run temporary folder (not in memory), so a real `manage.py qcluster` subprocess can share it.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

# Before anything touches stylecore: no network here, and every test must be quick.
os.environ["STYLECORE_VGG_WEIGHTS"] = "random"
os.environ.setdefault("STYLECORE_DEVICE", "cpu")
# Playwright's sync API keeps an event loop in the test thread; Django's ORM would refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image  # noqa: E402

from tests.helpers.asgi import Server, start_server  # noqa: E402
from tests.helpers.catalogue_server import CatalogueServer, serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password-42"
ARTIFACTS = ROOT / "test-artifacts"


# --- Settings for the whole run --------------------------------------------------------------


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gallery")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, run_dir: Path) -> None:
    """A test database file of this run's own (several runs may share the checkout)."""
    from django.db import connections

    if connections["default"].vendor == "sqlite":  # PostgreSQL (tests/scaleout) keeps its own test_<name>
        connections["default"].settings_dict["TEST"]["NAME"] = str(run_dir / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _test_settings(run_dir: Path) -> None:
    from django.conf import settings

    settings.MEDIA_ROOT = run_dir / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-ups


# --- People ----------------------------------------------------------------------------------


def _user(django_user_model, username: str, **extra):  # noqa: ANN001, ANN202
    return django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD, **extra)


@pytest.fixture
def owner(django_user_model):  # noqa: ANN001, ANN201
    return _user(django_user_model, "olivia")


@pytest.fixture
def other_user(django_user_model):  # noqa: ANN001, ANN201
    return _user(django_user_model, "oscar")


@pytest.fixture
def outsider(django_user_model):  # noqa: ANN001, ANN201
    """Someone with an account but no relation to anything under test."""
    return _user(django_user_model, "ursula")


@pytest.fixture
def staff_user(django_user_model):  # noqa: ANN001, ANN201
    return _user(django_user_model, "stella", is_staff=True, is_superuser=True)


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:  # noqa: ANN001
    return client_for(owner)


@pytest.fixture
def staff_client(staff_user) -> Client:  # noqa: ANN001
    return client_for(staff_user)


@pytest.fixture
def other_client(other_user) -> Client:  # noqa: ANN001
    return client_for(other_user)


# --- Images and rows -------------------------------------------------------------------------


def image_bytes(size: tuple[int, int] = (32, 32), *, mode: str = "RGB", format: str = "PNG", **save: object) -> bytes:
    """A small test image with some structure (a gradient), encoded in memory."""
    width, height = size
    img = Image.linear_gradient("L").resize(size)
    if mode in ("RGB", "RGBA", "CMYK"):
        img = Image.merge("RGB", (img, img.transpose(Image.Transpose.FLIP_LEFT_RIGHT), Image.new("L", size, 128)))
        img = img.convert(mode)
    elif mode != "L":
        img = img.convert(mode)
    buffer = io.BytesIO()
    img.save(buffer, format=format, **save)
    assert width and height
    return buffer.getvalue()


def uploaded(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def upload_factory() -> Callable[..., object]:
    from gallery.studio import services

    def make(owner, *, kind: str = "content", name: str = "photo.png", size: tuple[int, int] = (32, 32)):  # noqa: ANN001, ANN202
        return services.upload_create(owner=owner, file=uploaded(name, image_bytes(size)), kind=kind)

    return make


@pytest.fixture
def result_factory(upload_factory) -> Callable[..., object]:  # noqa: ANN001
    """A finished job and its result, made without the worker."""
    from gallery.studio.models import Job, JobStyle, Result

    def make(owner, *, visibility: str = "private", title: str = "A result", random_weights: bool = True):  # noqa: ANN001, ANN202
        content = upload_factory(owner, kind="content")
        style = upload_factory(owner, kind="style", name="style.png")
        job = Job.objects.create(owner=owner, algorithm="gatys", content=content, state=Job.State.SUCCEEDED)
        JobStyle.objects.create(job=job, upload=style, weight=1.0)
        result = Result(
            owner=owner,
            job=job,
            title=title,
            width=32,
            height=32,
            visibility=visibility,
            algorithm="gatys",
            random_weights=random_weights,
            weights_source="random",
        )
        result.image.save("result.png", ContentFile(image_bytes()), save=False)
        result.thumbnail.save("thumb.jpg", ContentFile(image_bytes(format="JPEG")), save=False)
        result.save()
        return result

    return make


LAYER_RED, LAYER_BLUE = (220, 30, 30), (20, 40, 230)


@pytest.fixture
def layered_result(owner, upload_factory, tmp_path: Path):  # noqa: ANN001, ANN201
    """A Johnson result made at strength 0.6 whose layers are a red 'style' over a blue 'photo'
    (LAYER_LAYER_RED, LAYER_LAYER_BLUE), made without the worker."""
    from gallery.studio import services
    from gallery.studio.models import Job
    from stylecore import finish
    from stylecore.record import RunRecord

    content = upload_factory(owner, kind="content", name="harbour.png")
    job = Job.objects.create(owner=owner, algorithm="johnson", content=content, state=Job.State.SUCCEEDED)
    layers = tmp_path / "layers"
    layers.mkdir()
    Image.new("RGB", (48, 32), LAYER_RED).save(layers / finish.FULL_LAYER)
    Image.new("RGB", (48, 32), LAYER_BLUE).save(layers / finish.PHOTO_LAYER)
    record = RunRecord(algorithm="johnson", params={"model": "Candy", "strength": 0.6}, seconds=0.4, steps_done=1)
    output = tmp_path / "result.png"
    finish.restrength_files(layers, output, 0.6, record=record)
    return services.result_create(job=job, output=output, record=record, layers=layers, title="Harbour × Candy")


# --- A real worker ---------------------------------------------------------------------------

# The worker's settings: short django-q2 timings and a short heartbeat so a killed worker's
# job is noticed within seconds; tiny test jobs finish well inside Q_TIMEOUT.
WORKER_ENV = {
    "STYLECORE_VGG_WEIGHTS": "random",
    "STYLECORE_DEVICE": "cpu",
    "Q_TIMEOUT": "120",
    "Q_RETRY": "150",
    "Q_POLL": "0.2",
    "Q_GUARD_CYCLE": "0.2",
    "STUDIO_PROGRESS_INTERVAL": "0.2",
    "STUDIO_HEARTBEAT_INTERVAL": "0.5",
    "STUDIO_STALE_AFTER": "4",
    "STUDIO_PREVIEW_EVERY": "1",
    "OMP_NUM_THREADS": "1",
    "PYTHONUNBUFFERED": "1",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Worker:
    """A `manage.py qcluster` process group on the test database."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited early:\n{self.log()}")
            if "running." in self.log():  # django-q2: "Q Cluster <name> running."
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start in {timeout:.0f} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole group (cluster + its worker processes), like a machine going away."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)  # a graceful stop waits for the guard loop; tests need not
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_for(self, job_id: int, states: Sequence[str], timeout: float = 60.0):  # noqa: ANN201
        """Poll the job row until its state is one of `states`; fail with the worker's log if not."""
        from gallery.studio.models import Job

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = Job.objects.get(pk=job_id)
            if job.state in states:
                return job
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        job = Job.objects.get(pk=job_id)
        pytest.fail(f"job {job_id} is {job.state!r}, not one of {list(states)} after {timeout:.0f} s\n{self.log()}")


def subprocess_database_url() -> str:
    """The test database as a DATABASE_URL, for the worker and server processes a test starts."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(log_path: Path, **extra_env: str) -> Worker:
    from django.conf import settings

    env = {
        **os.environ,
        **WORKER_ENV,
        "DATABASE_URL": subprocess_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "gallery.settings",
        **extra_env,
    }
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so kill() reaches the pool processes too
    )
    log.close()
    worker = Worker(process, log_path)
    try:
        worker.wait_ready()
    except RuntimeError:
        worker.kill()
        raise
    return worker


@pytest.fixture(scope="module")
def worker_factory(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Worker]]:
    """Start workers (extra env vars as keywords); all stop at the end, their logs shown if a test failed."""
    started: list[Worker] = []
    folder = tmp_path_factory.mktemp("worker")

    def start(**env: str) -> Worker:
        with django_db_blocker.unblock():
            worker = start_worker(folder / f"worker-{len(started) + 1}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    if request.session.testsfailed:
        for worker in started:
            sys.stderr.write(f"\n--- {worker.log_path.name} ---\n{worker.log()[-6000:]}\n")


@pytest.fixture(scope="module")
def worker(worker_factory: Callable[..., Worker]) -> Worker:
    """One real worker shared by a module's tests (use with transactional_db or live_server)."""
    return worker_factory()


# --- The web server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_server_factory(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Server]]:
    """Start `manage.py serve` (uvicorn, what `./dev up` runs) on the test database and media folder, extra env
    vars as keywords; each gets a TMPDIR of its own (server.tmp), so a test sees what the server left there.
    All stop at the end, their logs shown if a test failed. Use with transactional_db or live_server."""
    from django.conf import settings

    started: list[Server] = []
    folder = tmp_path_factory.mktemp("server")

    def start(**extra_env: str) -> Server:
        tmp = folder / f"tmp-{len(started) + 1}"
        tmp.mkdir()
        env = {
            **os.environ,
            **WORKER_ENV,
            "DATABASE_URL": subprocess_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "true",
            "TMPDIR": str(tmp),
            **extra_env,
        }
        with django_db_blocker.unblock():
            server = start_server(folder / f"server-{len(started) + 1}.log", env)
        server.tmp = tmp
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    if request.session.testsfailed:
        for server in started:
            sys.stderr.write(f"\n--- {server.log_path.name} ---\n{server.log()[-6000:]}\n")


@pytest.fixture(scope="module")
def site_server(site_server_factory: Callable[..., Server]) -> Server:
    """One web server shared by a module's tests."""
    return site_server_factory()


# --- A real browser --------------------------------------------------------------------------

# Pages carry a strict Content-Security-Policy: give page.wait_for_function a function ("() => ..."); a bare
# expression is eval'd on every poll, which the policy refuses.
# Playwright drives Debian's chromium (never a downloaded one). Without it the browser tests skip,
# unless REQUIRE_BROWSER is set (.ci/run sets it): then they fail, so CI cannot pass without them.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
INSTALL_CHROMIUM = "apt-get install chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
FAKE_CAMERA_ARGS = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


def browser_missing(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (REQUIRE_BROWSER is set, so browser tests fail instead of skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def launch_browser() -> Iterator[Callable[..., Any]]:
    """launch_browser(*extra_chromium_args) -> a Playwright Browser on Debian's chromium.

    One browser per distinct argument list, shared by the module's tests and closed at its end
    (e.g. `launch_browser(*FAKE_CAMERA_ARGS)` for a fake webcam). Module scope, not session: Playwright's
    sync API keeps an event loop in the test thread while it runs, which other tests' asyncio would trip on.
    """
    if not CHROMIUM.exists():
        browser_missing(f"{CHROMIUM} is missing: {INSTALL_CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("playwright is not installed: ./dev test installs requirements-dev.txt")

    launched: dict[tuple[str, ...], Any] = {}
    with sync_playwright() as playwright:

        def launch(*extra_args: str) -> Any:
            if extra_args not in launched:
                launched[extra_args] = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
                )
            return launched[extra_args]

        yield launch
        for browser in launched.values():
            browser.close()


@pytest.fixture(scope="module")
def browser(launch_browser: Callable[..., Any]) -> Any:
    """The module's chromium with the usual arguments (see launch_browser)."""
    return launch_browser()


# --- Markers, added from the fixtures a test uses, so a new test cannot forget them ---------------

WORKER_FIXTURES = {"worker", "worker_factory"}
BROWSER_FIXTURES = {"browser", "launch_browser"}
# Slow by nature: a worker, a web server or a browser takes seconds to start; every model style_model_factory makes is
# imported through the service, which renders its preview with the network (about a second each on 2 cores).
SLOW_FIXTURES = WORKER_FIXTURES | BROWSER_FIXTURES | {"style_model_factory", "site_server_factory"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & WORKER_FIXTURES:
            item.add_marker(pytest.mark.worker)
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def served() -> Iterator[CatalogueServer]:
    """A local HTTP server (127.0.0.1, a free port) for model catalogue files; shut down after the test."""
    with serving() as server:
        yield server
