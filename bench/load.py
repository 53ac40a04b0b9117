"""Requests per second, latency and server CPU per request of the production server (`manage.py serve --workers N`,
DEBUG=0) under 10 and 50 concurrent connections; prints a markdown table.

    STYLECORE_VGG_WEIGHTS=random .venv/bin/python bench/load.py [--clients 10 50] [--seconds 20] [--web-workers 2]
        [--baseline REV [--baseline-env NAME=VALUE ...]] [--rounds N] [--only SCENARIO ...] [--database-url postgres://...]

It makes a throw-away site in a temporary folder (its own SQLite database, or an empty PostgreSQL database given
by --database-url), fills it (a staff user with 20 public results made by real Gatys runs at 64 px, and their
jobs), serves it as `./dev serve-prod` does, and drives it with wrk (Debian: apt-get install wrk) sending
`X-Forwarded-Proto: https`, as the HTTPS proxy in front would. --baseline serves a git worktree of REV on the same
site beside this tree; each row then runs on both in turn. Scenarios, each for --seconds per connection count:

- gallery: GET /gallery/ (anonymous)
- result: GET a public result's page (anonymous)
- progress: GET a queued job's progress.json (signed in: the job page's poll)
- api-jobs: GET /api/v1/jobs/ (token; 20 jobs a page)
- api-results: GET /api/v1/results/ (token; 20 results a page)
- create: POST /api/v1/jobs/ (token, a 64 px Gatys job) while a worker (manage.py qcluster) runs a long job

Errors are wrk's failed connections, reads, timeouts and 4xx/5xx answers (each scenario is checked to answer 2xx
first). CPU ms/req: the server's processes' CPU time during the row over its requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTTPS = {"X-Forwarded-Proto": "https"}
WRK = shutil.which("wrk") or "wrk"

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


WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%.0f %%.0f %%.0f\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string for what we send (ASCII, no control characters)


def check(port: int, scenario: Scenario) -> None:
    """One request first: a row only counts if the scenario answers 2xx at all (wrk counts 4xx/5xx, not 3xx)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        scenario.method, scenario.path, body=scenario.body, headers={**HTTPS, "Host": "localhost", **scenario.headers}
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if not 200 <= response.status < 300:
        raise SystemExit(f"{scenario.name} answered {response.status} on port {port}")


def drive(port: int, scenario: Scenario, clients: int, seconds: float, folder: Path) -> dict[str, object]:
    """wrk (C, two threads) with `clients` keep-alive connections for `seconds`."""
    headers = {**HTTPS, "Host": "localhost", **scenario.headers}
    script = folder / f"{scenario.name}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "method": lua(scenario.method),
            "body": lua(scenario.body.decode()) if scenario.body else "nil",
            "headers": "\n".join(f"wrk.headers[{lua(key)}] = {lua(value)}" for key, value in headers.items()),
        }
    )
    command = [WRK, "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", str(script)]
    done = subprocess.run([*command, f"http://127.0.0.1:{port}{scenario.path}"], capture_output=True, text=True)
    found = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if done.returncode or found is None:
        raise SystemExit(f"wrk failed:\n{done.stdout}{done.stderr}")
    requests, duration, *errors, p50, p95, p99 = (float(value) for value in found.group(1).split())
    return {
        "scenario": scenario.name,
        "clients": clients,
        "requests": int(requests),
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": int(sum(errors)),
    }


def cpu_seconds(group: int) -> float:
    """CPU time (user + system) the processes of a process group have used: the server's own cost, whatever else
    runs on the machine."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ... utime (12th), stime (13th)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


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


def manage(env: dict[str, str], *args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def start(env: dict[str, str], *args: str, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=cwd,
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
        "| scenario | clients | server | requests/s | p50 ms | p95 ms | p99 ms | errors | requests | CPU ms/req "
        "| load |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['clients']} | {row['server']} | {row['rps']:.0f} | {row['p50']:.0f} "
            f"| {row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} | {row['requests']} | {row['cpu']:.1f} "
            f"| {row['load']:.1f} |"
        )
    return "\n".join(lines)


def baseline_tree(revision: str, folder: Path) -> Path:
    """A detached git worktree of `revision` beside the site, served from the same database."""
    tree = folder / f"baseline-{revision}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT, check=True, capture_output=True
    )
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="rows per server, alternating the order (ABBA)")
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--only", nargs="+", help="scenario names to run (default: all)")
    parser.add_argument("--baseline", help="a git revision to serve beside this tree, same site, interleaved")
    parser.add_argument(
        "--baseline-env", nargs="+", default=[], metavar="NAME=VALUE", help="settings for the baseline server only"
    )
    args = parser.parse_args()
    if shutil.which(WRK) is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")

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
        Scenario("api-results", "GET", "/api/v1/results/", token),
        Scenario(
            "create", "POST", "/api/v1/jobs/", {**token, "Content-Type": "application/json"}, json.dumps(job).encode()
        ),
    ]
    scenarios = [scenario for scenario in scenarios if not args.only or scenario.name in args.only]

    trees = {"new": ROOT}
    if args.baseline:
        trees = {"baseline": baseline_tree(args.baseline, var), **trees}
    servers, ports = {}, {}
    worker = None
    rows = []
    try:
        for name, tree in trees.items():
            ports[name] = free_port()
            serve = ("serve", f"127.0.0.1:{ports[name]}", "--workers", str(args.web_workers))
            server_env = env | dict(item.split("=", 1) for item in args.baseline_env) if name == "baseline" else env
            servers[name] = start(server_env, *serve, log=var / f"serve-{name}.log", cwd=tree)
        for name, server in servers.items():
            wait_listening(ports[name], server)
        for scenario in scenarios:
            if scenario.name == "create" and worker is None:
                worker = start(env, "qcluster", log=var / "worker.log")
                wait_running(env, site["long_job"])
            for name in servers:
                check(ports[name], scenario)
            for clients in args.clients:
                for round_ in range(args.rounds):
                    order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
                    for name in order:
                        drive(ports[name], scenario, clients, 2, var)  # warm-up, not counted
                        used = cpu_seconds(servers[name].pid)
                        row = drive(ports[name], scenario, clients, args.seconds, var)
                        used = cpu_seconds(servers[name].pid) - used
                        cpu = 1000 * used / max(1, row["requests"])
                        row |= {"server": name, "load": os.getloadavg()[0], "cpu": cpu}
                        print(
                            f"{row['scenario']} x{clients} {name}: {row['rps']:.0f}/s p95 {row['p95']:.0f} ms, "
                            f"errors {row['errors']}, {row['cpu']:.1f} ms CPU/request, load {row['load']:.2f}",
                            file=sys.stderr,
                        )
                        rows.append(row)
    finally:
        for process in (worker, *servers.values()):
            if process is not None:
                stop(process)
        if args.baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(trees["baseline"])], cwd=ROOT, check=False)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {args.web_workers} web processes, {args.seconds:.0f} s per row, site in {var}")
    print(table(rows))


if __name__ == "__main__":
    main()
