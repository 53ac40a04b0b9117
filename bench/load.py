"""Requests per second and latency of the production server (`manage.py serve --workers N`, DEBUG=0) under 10 and
50 concurrent clients; prints a markdown table.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python bench/load.py [--clients 10 50] [--seconds 30] [--web-workers 2]
        [--database-url postgres://...]

It makes a throw-away site in a temporary folder (its own SQLite database, or an empty PostgreSQL database given
by --database-url), fills it (a staff user with 20 public results made by real Gatys runs at 64 px, and their
jobs), serves it as `./dev serve-prod` does, and drives it with keep-alive clients (one thread each, stdlib
only) sending `X-Forwarded-Proto: https`, as the HTTPS proxy in front would. Scenarios, each for --seconds per
client count:

- gallery: GET /gallery/ (anonymous)
- result: GET a public result's page (anonymous)
- progress: GET a queued job's progress.json (signed in: the job page's poll)
- api-jobs: GET /api/v1/jobs/ (token; 20 jobs a page)
- create: POST /api/v1/jobs/ (token, a 64 px Gatys job) while a worker (manage.py qcluster) runs a long job

Errors are answers other than 2xx and failed connections. The client shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTTPS = {"X-Forwarded-Proto": "https"}

# Runs in `manage.py shell` on the bench site: people, pictures, results, and what the clients need (JSON).
FILL = """
import io, json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token
from gallery.studio import services
from gallery.studio.models import Visibility

def picture(name, colour):
    data = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")

user = get_user_model().objects.create_user("bench", "bench@example.org", "a-long-password-1", is_staff=True)
photo = services.upload_create(owner=user, file=picture("photo.png", (200, 120, 40)), kind="content")
style = services.upload_create(owner=user, file=picture("style.png", (20, 60, 220)), kind="style")
small = {"size": 64, "steps": 5}
results = []
for i in range(20):
    job = services.job_create(owner=user, algorithm="gatys", content=photo, styles=[(style, 1.0)], options=small)
    services.job_execute(job_id=job.pk)
    job.refresh_from_db()
    results.append(services.result_update(result=job.result, by=user, visibility=Visibility.PUBLIC))
long = services.job_create(owner=user, algorithm="gatys", content=photo, styles=[(style, 1.0)],
                           options={"size": 256, "steps": 5000})
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
session.create()
print(json.dumps({"token": Token.objects.create(user=user).key, "session": session.session_key,
                  "result": results[0].share_token, "long_job": long.pk, "photo": photo.pk, "style": style.pk}))
"""


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def client(port: int, scenario: Scenario, until: float, tally: Tally, lock: threading.Lock) -> None:
    """One keep-alive client: request after request until `until`."""
    latencies, errors, statuses = [], 0, {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {**HTTPS, "Host": "localhost", **scenario.headers}
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            connection.request(scenario.method, scenario.path, body=scenario.body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if not 200 <= response.status < 300:
            errors += 1
    connection.close()
    with lock:
        tally.latencies += latencies
        tally.errors += errors
        for status, count in statuses.items():
            tally.statuses[status] = tally.statuses.get(status, 0) + count


def drive(port: int, scenario: Scenario, clients: int, seconds: float) -> dict[str, object]:
    tally, lock = Tally(), threading.Lock()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, scenario, until, tally, lock)) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(tally.latencies, n=100) if len(tally.latencies) > 1 else [float("nan")] * 99
    return {
        "scenario": scenario.name,
        "clients": clients,
        "requests": len(tally.latencies),
        "rps": len(tally.latencies) / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "errors": tally.errors,
        "statuses": tally.statuses,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            raise SystemExit("the server stopped while starting")
        time.sleep(0.2)
    raise SystemExit(f"the server did not listen in {timeout:.0f} s")


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_running(env: dict[str, str], job_id: int, timeout: float = 120) -> None:
    check = f"from gallery.studio.models import Job; print(Job.objects.get(pk={job_id}).state)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if manage(env, "shell", "-c", check).strip().splitlines()[-1] == "running":
            return
        time.sleep(1)
    raise SystemExit("the worker did not start the long job")


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| scenario | clients | requests/s | p50 ms | p95 ms | p99 ms | errors | requests |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['clients']} | {row['rps']:.0f} | {row['p50']:.0f} | {row['p95']:.0f} "
            f"| {row['p99']:.0f} | {row['errors']} | {row['requests']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--only", nargs="+", help="scenario names to run (default: all)")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="gallery-load-"))
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "VAR_DIR": str(var),
        "STYLECORE_VGG_WEIGHTS": env.get("STYLECORE_VGG_WEIGHTS", "random"),
        "API_THROTTLE_USER": "100000000/hour",  # the bench measures the server, not its rates
        "API_THROTTLE_JOBS": "100000000/hour",
        "Q_WORKERS": "1",
        "OMP_NUM_THREADS": "1",  # the busy worker takes one core, as one GPU worker's host thread would
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    print(f"site in {var}; filling it...", file=sys.stderr)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    site = json.loads(manage(env, "shell", "-c", FILL).strip().splitlines()[-1])

    token = {"Authorization": f"Token {site['token']}"}
    job = {"algorithm": "gatys", "content": site["photo"], "styles": [{"id": site["style"]}], "options": {"size": 64}}
    scenarios = [
        Scenario("gallery", "GET", "/gallery/"),
        Scenario("result", "GET", f"/results/{site['result']}/"),
        Scenario(
            "progress", "GET", f"/jobs/{site['long_job']}/progress.json", {"Cookie": f"sessionid={site['session']}"}
        ),
        Scenario("api-jobs", "GET", "/api/v1/jobs/", token),
        Scenario(
            "create", "POST", "/api/v1/jobs/", {**token, "Content-Type": "application/json"}, json.dumps(job).encode()
        ),
    ]
    scenarios = [scenario for scenario in scenarios if not args.only or scenario.name in args.only]

    port = free_port()
    server = start(env, "serve", f"127.0.0.1:{port}", "--workers", str(args.web_workers), log=var / "serve.log")
    worker = None
    rows = []
    try:
        wait_listening(port, server)
        for scenario in scenarios:
            if scenario.name == "create" and worker is None:
                worker = start(env, "qcluster", log=var / "worker.log")
                wait_running(env, site["long_job"])
            for clients in args.clients:
                drive(port, scenario, clients, min(3.0, args.seconds))  # warm-up, not counted
                row = drive(port, scenario, clients, args.seconds)
                print(
                    f"{row['scenario']} x{clients}: {row['rps']:.0f}/s p95 {row['p95']:.0f} ms, "
                    f"statuses {row['statuses']}, load {os.getloadavg()[0]:.2f}",
                    file=sys.stderr,
                )
                rows.append(row)
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {args.web_workers} web processes, {args.seconds:.0f} s per row, site in {var}")
    print(table(rows))


if __name__ == "__main__":
    main()
