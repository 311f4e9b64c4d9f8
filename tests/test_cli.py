"""The `ixon-api` command as an operator runs it, on a fresh database of each backend."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.main import create_app

IXON_API = str(Path(sys.executable).parent / "ixon-api")


@pytest.fixture
def ixon(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """Runs commands in-process against the scratch database, as `IXON_DATABASE_URL` says."""
    monkeypatch.setenv("IXON_DATABASE_URL", scratch_url)
    monkeypatch.setenv("IXON_MAIL_BACKEND", "memory")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_migrate_bootstrap_and_use_the_printed_token(ixon: CliRunner, scratch_url: str) -> None:
    assert run(ixon, "migrate")[0] == 0
    code, out, err = run(
        ixon,
        "bootstrap",
        "--company",
        "Acme",
        "--email",
        "Admin@Example.com",
        "--password",
        "a long passphrase",
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"applicationId", "companyId", "userId", "email", "accessToken"}
    code, out, _ = run(
        ixon,
        "bootstrap",
        "--company",
        "Beta",
        "--email",
        "beta@example.com",
        "--password",
        "another passphrase",
        "--json",
    )
    other = json.loads(out)
    assert other["applicationId"] == result["applicationId"]
    assert other["companyId"] != result["companyId"] and other["userId"] != result["userId"]

    async def use_token() -> None:
        app = create_app(Settings(database_url=scratch_url))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                headers = {
                    "Api-Version": "2",
                    "Api-Application": result["applicationId"],
                    "Api-Company": result["companyId"],
                    "Authorization": f"Bearer {result['accessToken']}",
                }
                assert (await client.get("/roles", headers=headers)).status_code == 200
                foreign = headers | {"Api-Company": other["companyId"]}
                assert (await client.get("/roles", headers=foreign)).status_code == 404

    asyncio.run(use_token())

    code, out, _ = run(ixon, "bootstrap", "--if-empty")
    assert code == 0 and "nothing bootstrapped" in out
    code, _, err = run(ixon, "bootstrap", "--email", "admin@example.com", "--password", "wrong!!")
    assert code == 1 and err.strip().count("\n") == 0 and "Traceback" not in err


def test_bootstrap_prints_a_ready_curl_line(ixon: CliRunner) -> None:
    assert run(ixon, "migrate")[0] == 0
    code, out, _ = run(ixon, "bootstrap", "--if-empty")
    assert code == 0
    assert "password" in out and "curl" in out and "Authorization: Bearer" in out


def test_application_registry(ixon: CliRunner) -> None:
    assert run(ixon, "migrate")[0] == 0
    code, out, _ = run(ixon, "application", "add", "Integration")
    app_id = out.strip()
    assert code == 0 and len(app_id) == 12 and app_id.isalnum()
    code, out, _ = run(ixon, "application", "list")
    assert app_id in out and "Integration" in out
    assert run(ixon, "application", "disable", app_id)[0] == 0
    code, _, err = run(ixon, "application", "disable", "nope")
    assert code == 1 and "Traceback" not in err


def test_expire_invites_sweeps_once(ixon: CliRunner) -> None:
    """What it closes is tested with the worker's sweep (tests/webhooks/test_expiry.py)."""
    assert run(ixon, "migrate")[0] == 0
    code, out, err = run(ixon, "expire-invites", "--json")
    assert code == 0, err
    assert json.loads(out) == {"closed": 0}
    code, out, _ = run(ixon, "expire-invites")
    assert code == 0 and "0 expired invite(s) closed" in out


def test_the_console_script_is_installed_and_every_command_explains_itself() -> None:
    shown = subprocess.run(
        [IXON_API, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0 and "Usage" in shown.stdout
    runner = CliRunner()
    for command in (
        ["serve"],
        ["migrate"],
        ["bootstrap"],
        ["openapi"],
        ["application"],
        ["application", "add"],
        ["application", "disable"],
        ["expire-invites"],
    ):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout, command
