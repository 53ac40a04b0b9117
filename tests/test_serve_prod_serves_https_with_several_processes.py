"""`./dev serve-prod`, production's one command: DEBUG off, the deploy check silent with HTTPS settings, static files
collected, WEB_WORKERS uvicorn processes, plain HTTP sent to HTTPS, and the webcam's WebSockets working across
the processes (each socket stays on the process that accepted it, so no channel layer is needed for it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from websockets.sync.client import connect

from tests.helpers.asgi import wait_listening
from tests.helpers.network import free_port
from tests.test_dev_up_stops_both_processes import ROOT, VENV, session_processes

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front adds

SIGNED_IN_SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_user("camera", "camera@example.org", "a-long-password-1")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
session.create()
print(session.session_key)
"""


@pytest.fixture(scope="module")
def serve_prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, dict[str, str]]]:
    stamp = VENV / ".installed-requirements.txt"
    if not stamp.exists() or stamp.read_bytes() != (ROOT / "requirements.txt").read_bytes():
        pytest.skip(f"./dev serve-prod would install requirements.txt into {VENV} first (./dev test installs it)")
    tmp = tmp_path_factory.mktemp("serve-prod")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT")}
    env |= {
        "VENV": str(VENV),
        "VAR_DIR": str(tmp),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "2",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "STYLECORE_VGG_WEIGHTS": "random",
        "STYLECORE_DEVICE": "cpu",
    }
    env.pop("DEBUG", None)  # serve-prod turns it off itself
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test run's (Playwright's), which the deploy check refuses
    log = tmp / "serve-prod.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["./dev", "serve-prod"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_listening(port, process, log, timeout=180)
        yield process.pid, log, env | {"DEBUG": "0"}
    finally:
        with contextlib.suppress(ProcessLookupError):  # it stopped on its own (a failed start)
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_it_checks_the_settings_and_runs_two_server_processes(serve_prod) -> None:  # noqa: ANN001
    pid, log, _ = serve_prod
    output = log.read_text(errors="replace")
    assert "System check identified no issues (0 silenced)." in output
    assert "with 2 web processes (DEBUG=0)" in output
    servers = [command for command in session_processes(pid).values() if "spawn_main" in command]
    assert len(servers) == 2, session_processes(pid)


def test_plain_http_goes_to_https_and_pages_carry_hsts(serve_prod) -> None:  # noqa: ANN001
    url = f"http://127.0.0.1:{serve_prod[2]['PORT']}/"
    plain = requests.get(url, allow_redirects=False, timeout=30)
    assert (plain.status_code, plain.headers["Location"]) == (301, url.replace("http://", "https://"))

    page = requests.get(url, headers=HTTPS, timeout=30)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links its collected, hashed stylesheet"
    static = requests.get(url.rstrip("/") + stylesheet[1], headers=HTTPS, timeout=30)
    assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]


def test_webcam_sockets_open_on_the_production_server(serve_prod) -> None:  # noqa: ANN001
    _, _, env = serve_prod
    made = subprocess.run(
        [str(VENV / "bin" / "python"), "manage.py", "shell", "-c", SIGNED_IN_SESSION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    session = made.stdout.strip().splitlines()[-1]
    headers = {"Cookie": f"sessionid={session}", "Origin": f"https://localhost:{env['PORT']}"}
    sockets = [
        connect(f"ws://127.0.0.1:{env['PORT']}/ws/webcam/", additional_headers=headers, open_timeout=30)
        for _ in range(6)
    ]
    try:
        assert [json.loads(socket.recv(timeout=30))["type"] for socket in sockets] == ["ready"] * 6
    finally:
        for socket in sockets:
            socket.close()
