"""Fixtures of the operator tests: the `ixon-api` command on a scratch database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long passphrase"


@dataclass
class Cli:
    runner: CliRunner
    database_url: str

    def __call__(self, *args: str, input: str | None = None) -> tuple[int, str, str]:
        result = self.runner.invoke(cli, list(args), input=input)
        return result.exit_code, result.stdout, result.stderr

    def ok(self, *args: str, input: str | None = None) -> str:
        code, out, err = self(*args, input=input)
        assert code == 0, err or out
        return out

    def fails(self, *args: str, input: str | None = None) -> str:
        """The error line of a command that must fail: one line, no traceback."""
        code, out, err = self(*args, input=input)
        assert code == 1, out
        assert err.startswith("error: ") and err.strip().count("\n") == 0, err
        assert "Traceback" not in err + out
        return err.strip()


@pytest.fixture
def ixon(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """`ixon-api` in-process on an empty database of the test's backend."""
    monkeypatch.setenv("IXON_DATABASE_URL", scratch_url)
    monkeypatch.setenv("IXON_MAIL_BACKEND", "memory")
    get_settings.cache_clear()
    yield Cli(CliRunner(), scratch_url)
    get_settings.cache_clear()


@pytest.fixture
def seeded(ixon: Cli) -> dict[str, str]:
    """A migrated database with one company and its administrator (`bootstrap --json`)."""
    ixon.ok("migrate")
    out = ixon.ok(
        "bootstrap", "--company", "Acme", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD,
        "--json",
    )  # fmt: skip
    return dict(json.loads(out))
