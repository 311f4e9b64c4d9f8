"""`ixon-api branding add | list`, in-process on a fresh database of each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.console import Console
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings


@pytest.fixture
def ixon(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("IXON_DATABASE_URL", scratch_url)
    monkeypatch.setenv("IXON_MAIL_BACKEND", "memory")
    monkeypatch.setattr("app.brandings.cli.out", Console(width=250))  # no folding in the table
    monkeypatch.setattr("app.core.commands.err", Console(width=250, stderr=True))
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    yield runner
    get_settings.cache_clear()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_add_then_list(ixon: CliRunner) -> None:
    code, out, err = run(
        ixon, "branding", "add", "--fqdn", "Portal.Example.com", "--name", "Example Portal",
        "--portal-url", "https://portal.example.com/", "--sender-address", "hello@example.com",
        "--sender-name", "Example", "--logo", "https://cdn.example.com/logo.png",
        "--primary-color", "0b5394",
    )  # fmt: skip
    assert code == 0, err
    public_id = out.strip()
    assert len(public_id) == 12 and public_id.isalnum()
    code, out, err = run(ixon, "branding", "list")
    assert code == 0, err
    assert "portal.example.com" in out and "Example Portal" in out and public_id in out
    assert "https://portal.example.com" in out and "hello@example.com" in out
    assert "portal.ixon.cloud" in out and "built-in" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fqdn", "localhost"), "is not a domain name"),
        (("--portal-url", "ftp://x.example.com"), "portal URL must be an http(s) URL"),
        (("--primary-color", "blue"), "primary colour must be a colour"),
        (("--sender-address", "not an address"), "is not an e-mail address"),
        (("--logo", "javascript:alert(1)"), "logo must be an http(s) URL"),
    ],
)
def test_bad_values_are_one_clear_line(
    ixon: CliRunner, args: tuple[str, ...], message: str
) -> None:
    values = {"--fqdn": "portal.example.com", "--name": "Example",
              "--portal-url": "https://portal.example.com"}  # fmt: skip
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, out, err = run(ixon, "branding", "add", *[x for pair in values.items() for x in pair])
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_a_domain_is_added_once(ixon: CliRunner) -> None:
    args = ("branding", "add", "--fqdn", "portal.example.com", "--name", "Example",
            "--portal-url", "https://portal.example.com")  # fmt: skip
    assert run(ixon, *args)[0] == 0
    code, _, err = run(ixon, *args)
    assert code == 1 and "exists already" in err
