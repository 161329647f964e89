"""The `saferhub` command as an operator uses it: production checks and clear failures."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from saferhub.cli import main
from saferhub.organisations.models import Membership

SAFERHUB = str(Path(sys.executable).parent / "saferhub")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # A clean operator's environment: none of this test session's settings (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which production must never have).
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFERHUB_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [SAFERHUB, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_check(tmp_path: Path) -> None:
    result = run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        SAFERHUB_SECRET_KEY=secrets.token_urlsafe(64),
        SAFERHUB_ALLOWED_HOSTS="saferhub.example.gov.uk",
        SAFERHUB_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run(["migrate"], SAFERHUB_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "SAFERHUB_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run(
        ["migrate"],
        SAFERHUB_HTTPS="false",
        SAFERHUB_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://saferhub:s3cret@127.0.0.1:1/saferhub",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL=postgres://saferhub:****@127.0.0.1:1/saferhub" in lines[0]
    assert "s3cret" not in result.stderr


@pytest.mark.django_db
def test_createadmin_makes_a_system_administrator(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "createadmin",
            "--username",
            "first.admin",
            "--email",
            "a@example.test",
            "--organisation",
            "Newshire County Council",
            "--partnership",
            "Newshire CSP",
            "--password-stdin",
        ],
        input="a-long-enough-passphrase-9\n",
    )
    assert result.exit_code == 0, result.output
    membership = Membership.objects.get(user__username="first.admin")
    assert membership.role == "system_administrator"
    assert membership.organisation.partnerships.get().name == "Newshire CSP"
    assert membership.user.check_password("a-long-enough-passphrase-9")
    weak = CliRunner().invoke(
        main,
        [
            "createadmin",
            "--username",
            "b",
            "--email",
            "b@example.test",
            "--organisation",
            "X",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert weak.exit_code == 2
    assert "too short" in weak.output
    assert not get_user_model().objects.filter(username="b").exists()


def test_help_lists_every_subcommand() -> None:
    output = CliRunner().invoke(main, ["--help"]).output
    for command in ["run", "demo", "migrate", "createadmin", "audit", "manage"]:
        assert f"  {command}" in output
