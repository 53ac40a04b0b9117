"""Throw-away PostgreSQL, Redis and an S3 emulator (moto's standalone server) for the scale-out tests.

    python -m tests.scaleout.services [pytest args]   (what `./dev test --scale-out` and CI's second stage run)

starts all three on free ports of 127.0.0.1 with their data in one temporary folder (no system service), runs
pytest on tests/scaleout with DATABASE_URL, Q_REDIS_URL, CHANNEL_REDIS_URL and the AWS_* media variables set
(and REQUIRE_SCALEOUT=1, so a missing service fails the tests instead of skipping them), then stops everything
and removes the folder, also when the tests fail or the run is interrupted. Its exit status is pytest's.

The services start here, not in a fixture: settings read these variables once, before any fixture runs.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.helpers.network import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
BUCKET = "gallery-media"
INSTALL = "apt-get install -y postgresql redis-server"


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def postgres_bin(name: str) -> str:
    """Debian keeps PostgreSQL's server programs in /usr/lib/postgresql/<version>/bin, off the PATH."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise SystemExit(f"{name} is missing: {INSTALL}")
    return found


def wait_port(port: int, process: subprocess.Popen | None, what: str, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start on port {port}:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def postgres(folder: Path) -> Iterator[str]:
    """A PostgreSQL cluster in folder/pg (trust auth, no fsync: data that dies with the run); its URL."""
    data, port, log = folder / "pg", free_port(), folder / "postgres.log"
    # PostgreSQL refuses to run as root: then it runs as `nobody`, which owns only this folder.
    as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    data.mkdir()
    if as_user:
        nobody = pwd.getpwnam("nobody")
        for path in (folder, data):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    subprocess.run(
        [*as_user, postgres_bin("initdb"), "-D", str(data), "-U", "gallery", "-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    pg_ctl = [*as_user, postgres_bin("pg_ctl"), "-D", str(data)]
    subprocess.run([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgres://gallery@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], stdout=subprocess.DEVNULL, check=False)


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    """redis-server on a free port, nothing saved to disk; its URL (database 0)."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit(f"redis-server is missing: {INSTALL}")
    port, log = free_port(), folder / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_port(port, process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def s3(folder: Path) -> Iterator[str]:
    """moto's standalone S3 emulator (requirements-scaleout-test.txt) over real HTTP, with an empty bucket."""
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists():
        raise SystemExit("moto_server is missing: pip install -r requirements-scaleout-test.txt")
    port, log = free_port(), folder / "moto.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out)
    try:
        wait_port(port, process, "moto_server", log)
        endpoint = f"http://127.0.0.1:{port}"
        import boto3  # django-storages[s3] installs it

        boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        stop(process)


CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@contextmanager
def services() -> Iterator[dict[str, str]]:
    """All three running; the environment variables that point the site at them."""
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="gallery-scaleout-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        say(f"Starting PostgreSQL, Redis and moto's S3 emulator in {folder}")
        database = stack.enter_context(postgres(folder))
        broker = stack.enter_context(redis(folder))
        endpoint = stack.enter_context(s3(folder))
        yield {
            "DATABASE_URL": database,
            "Q_REDIS_URL": f"{broker}/0",
            "CHANNEL_REDIS_URL": f"{broker}/1",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": CREDENTIALS["region_name"],
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "REQUIRE_SCALEOUT": "1",
        }
        say("Stopping PostgreSQL, Redis and the S3 emulator")


def main(args: list[str]) -> int:
    # SIGTERM (a CI cancel) unwinds like Ctrl-C, so the services stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    paths = [] if any(Path(ROOT, arg.split("::")[0]).exists() for arg in args) else ["tests/scaleout"]
    with services() as env:
        tests = subprocess.Popen(
            [sys.executable, "-m", "pytest", *paths, *args],
            cwd=ROOT,
            env={**os.environ, **env},
            # Ctrl-C must reach pytest even when this runs in the background, where SIGINT starts out ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            return tests.wait()
        finally:
            if tests.poll() is None:  # interrupted: pytest stops the workers and servers it started on Ctrl-C
                tests.send_signal(signal.SIGINT)
                try:
                    tests.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    tests.kill()
                    tests.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
