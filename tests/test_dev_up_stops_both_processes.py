"""`./dev up` runs the web server and the worker together: either one ending (here: killed with -9) stops the
other and ./dev up itself within seconds, leaving no process behind and no error from the stop (it used to
leave the web server running, after "web: unbound variable"). Started as people start it, with NO_FETCH=1,
a free port, a temporary VAR_DIR and this test run's venv.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.asgi import wait_listening
from tests.helpers.network import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)


def session_processes(session: int) -> dict[int, str]:
    """pid -> command line of every process in a session (the ./dev up we started and all it started)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue  # ended meanwhile
        state, session_id = fields[0], int(fields[3])
        if session_id == session and state != "Z":
            found[int(entry.name)] = command
    return found


def web_and_worker(dev_up: int, timeout: float = 60.0) -> dict[str, int]:
    """{"web server": pid, "worker": pid}: ./dev up's two children (django-q2 renames its process, so the
    worker is the one that is not `manage.py serve`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = {
            pid: command
            for pid, command in session_processes(dev_up).items()
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(dev_up)
        }
        if len(children) == 2:
            web = [pid for pid, command in children.items() if "manage.py serve" in command]
            if len(web) == 1:
                return {"web server": web[0], "worker": next(pid for pid in children if pid != web[0])}
        time.sleep(0.2)
    raise AssertionError(f"./dev up has not started a web server and a worker after {timeout:.0f} s")


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One VAR_DIR for the module: the second start finds the database migrated and the static files collected."""
    return tmp_path_factory.mktemp("dev-up-var")


@pytest.fixture
def dev_up(var_dir: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int, Path]]:
    stamp = VENV / ".installed-requirements.txt"
    if not stamp.exists() or stamp.read_bytes() != (ROOT / "requirements.txt").read_bytes():
        pytest.skip(f"./dev up would install requirements.txt into {VENV} first (./dev test installs it)")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT")}
    env |= {
        "VENV": str(VENV),
        "VAR_DIR": str(var_dir),
        "NO_FETCH": "1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "STYLECORE_VGG_WEIGHTS": "random",
        "STYLECORE_DEVICE": "cpu",
        "Q_GUARD_CYCLE": "0.2",
    }
    log = tmp_path / "dev-up.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["./dev", "up"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process, port, log
    finally:
        for pid in session_processes(process.pid):  # whatever a failed test left
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.parametrize("killed", ["worker", "web server"])
def test_either_process_ending_stops_both_and_dev_up(dev_up, killed: str) -> None:  # noqa: ANN001
    process, port, log = dev_up
    wait_listening(port, process, log, timeout=180)
    os.kill(web_and_worker(process.pid)[killed], signal.SIGKILL)
    killed_at = time.monotonic()

    status = process.wait(timeout=30)
    while (left := session_processes(process.pid)) and time.monotonic() < killed_at + 30:
        time.sleep(0.2)
    assert left == {}, f"left running: {left}"
    assert time.monotonic() - killed_at < 12  # TERM, then KILL after 10 s at most
    assert status == 128 + signal.SIGKILL  # ./dev up ends with the killed one's status
    output = log.read_text(errors="replace")
    assert "unbound variable" not in output
    assert f"The {killed} stopped (status 137)" in output and "Stopping the web server and the worker" in output
