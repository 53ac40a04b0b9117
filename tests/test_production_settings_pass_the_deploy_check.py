"""With DEBUG off, `manage.py check --deploy` has no security warning about HTTPS: plain HTTP is redirected and
HSTS is on (a year) by default, each an environment setting; subdomains and preload are the domain owner's
opt-in, and with them set the check is silent on security altogether.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "gallery.example.org"}


def deploy_check(**env: str) -> str:
    outside = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the test run's
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**outside, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout + result.stderr


def security_warnings(**env: str) -> set[str]:
    return set(re.findall(r"security\.W\d+", deploy_check(**env)))


@pytest.mark.slow
def test_https_redirect_and_hsts_are_on_when_debug_is_off() -> None:
    assert security_warnings() == {"security.W005", "security.W021"}  # include subdomains, preload: opt-in


@pytest.mark.slow
def test_with_the_domains_opt_ins_the_deploy_check_has_no_security_warning() -> None:
    assert security_warnings(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1") == set()


@pytest.mark.slow
def test_each_is_an_environment_setting() -> None:
    warnings = security_warnings(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert {"security.W004", "security.W008"} <= warnings


@pytest.mark.slow
@pytest.mark.parametrize("cache", [{}, {"REDIS_URL": "redis://cache:6379/1"}], ids=["database cache", "redis cache"])
def test_production_mode_with_https_settings_has_no_warning_at_all(cache: dict[str, str]) -> None:
    """What `./dev serve-prod` checks before it serves (tests/test_serve_prod_... runs that command itself)."""
    output = deploy_check(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1", **cache)
    assert output.strip() == "System check identified no issues (0 silenced)."
