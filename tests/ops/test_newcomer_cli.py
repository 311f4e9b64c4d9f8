"""What a newcomer meets at the command line: one public URL for the server and the commands,
a warning when invitation links would lead nowhere, bootstrap's name and `--show`, `company
list`, and CSV files as spreadsheets write them."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import get_settings
from tests.ops.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Cli
from tests.ops.test_cli_invite import counts, write


@pytest.fixture
def env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A `.env` of the test's own, and no IXON_PUBLIC_URL in the environment."""
    path = tmp_path / ".env"
    monkeypatch.setenv("IXON_ENV_FILE", str(path))
    monkeypatch.delenv("IXON_PUBLIC_URL", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def listening() -> Iterator[int]:
    """A port of 127.0.0.1 where something answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_make_run_records_the_served_port_for_every_command(ixon: Cli, env_file: Path) -> None:
    assert ixon.ok("public-url", "--port", "8765").strip() == "http://127.0.0.1:8765"
    assert "IXON_PUBLIC_URL=http://127.0.0.1:8765" in env_file.read_text()
    get_settings.cache_clear()
    assert get_settings().public_url == "http://127.0.0.1:8765"  # what the commands read
    ixon.ok("public-url", "--port", "8123")  # another `make run PORT=...`
    assert env_file.read_text().count("IXON_PUBLIC_URL") == 1
    assert "IXON_PUBLIC_URL=http://127.0.0.1:8123" in env_file.read_text()
    get_settings.cache_clear()
    shown = ixon.ok("public-url")
    assert "http://127.0.0.1:8123" in shown and str(env_file) in shown


def test_a_public_url_of_another_host_is_kept(
    ixon: Cli, env_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file.write_text("IXON_PUBLIC_URL=https://ixon.example.com\nIXON_LOG_LEVEL=DEBUG\n")
    assert ixon.ok("public-url", "--port", "8765").strip() == "https://ixon.example.com"
    assert "https://ixon.example.com" in env_file.read_text()
    assert "IXON_LOG_LEVEL=DEBUG" in env_file.read_text()
    monkeypatch.setenv("IXON_PUBLIC_URL", "http://127.0.0.1:9999")  # the environment wins
    assert ixon.ok("public-url", "--port", "8765").strip() == "http://127.0.0.1:9999"


def test_bootstrap_prints_the_served_url_and_where_mail_goes(ixon: Cli, env_file: Path) -> None:
    ixon.ok("public-url", "--port", "8765")
    get_settings.cache_clear()
    ixon.ok("migrate")
    out = ixon.ok("bootstrap", "--company", "Acme", "--password", ADMIN_PASSWORD)
    assert "served at    http://127.0.0.1:8765" in out
    assert "curl -s 'http://127.0.0.1:8765/roles" in out
    assert "Ada Lovelace <admin@example.com>" in out  # a person signs the invitations
    assert "mail         handed to the 'memory' mail backend" in out


def test_bootstrap_names_the_administrator(ixon: Cli) -> None:
    ixon.ok("migrate")
    ixon.ok("bootstrap", "--company", "Acme", "--email", ADMIN_EMAIL,
            "--password", ADMIN_PASSWORD)  # fmt: skip
    ixon.ok("bootstrap", "--company", "Beta", "--email", "jane.van-dijk@beta.example",
            "--password", ADMIN_PASSWORD)  # fmt: skip
    ixon.ok("bootstrap", "--company", "Gamma", "--email", "ops@gamma.example",
            "--password", ADMIN_PASSWORD, "--name", "  Grace   Hopper ")  # fmt: skip
    by_company = {}
    for company in json.loads(ixon.ok("company", "list", "--json")):
        users = json.loads(ixon.ok("users", "list", "--company", company["companyId"], "--json"))
        by_company[company["name"]] = [u["name"] for u in users]
    assert by_company == {
        "Acme": ["Ada Lovelace"],
        "Beta": ["Jane Van Dijk"],
        "Gamma": ["Grace Hopper"],
    }


def test_the_demo_ids_can_be_printed_again(ixon: Cli, seeded: dict[str, str]) -> None:
    listed = json.loads(ixon.ok("company", "list", "--json"))
    assert listed == [
        {"companyId": seeded["companyId"], "name": "Acme",
         "administrators": [ADMIN_EMAIL], "users": 1}
    ]  # fmt: skip
    table = ixon.ok("company", "list")
    assert seeded["companyId"] in table and ADMIN_EMAIL in table
    shown = ixon.ok("bootstrap", "--show")
    assert f"application  {seeded['applicationId']}" in shown
    assert f"company      {seeded['companyId']}  Acme: {ADMIN_EMAIL}" in shown
    again = json.loads(ixon.ok("bootstrap", "--show", "--json"))
    assert again["applications"][0]["applicationId"] == seeded["applicationId"]
    assert again["companies"] == listed
    assert "--show" in ixon.ok("bootstrap", "--if-empty")  # says how to find them


def test_an_invite_warns_when_its_links_lead_nowhere(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("IXON_PUBLIC_URL", nowhere)
    get_settings.cache_clear()
    csv = write(tmp_path, "email,group,role\nann@example.com,,Viewer\n")
    code, out, err = ixon("invite", "--csv", csv, "--company", seeded["companyId"], "--dry-run")
    assert code == 0, err
    assert "warning:" in err and nowhere in err and "make run" in err
    assert "1 would invite" in out


def test_no_warning_when_the_server_answers(
    ixon: Cli,
    seeded: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    listening: int,
) -> None:
    monkeypatch.setenv("IXON_PUBLIC_URL", f"http://127.0.0.1:{listening}")
    get_settings.cache_clear()
    csv = write(tmp_path, "email,group,role\nann@example.com,,Viewer\n")
    code, _out, err = ixon("invite", "--csv", csv, "--company", seeded["companyId"])
    assert code == 0 and "warning" not in err
    assert counts(ixon) == (1, 1)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_separated_file_is_read(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path, delimiter: str
) -> None:
    rows = ["Email;Group;Role;Message", "ann@example.com;;Viewer;Hallo, willkommen", ""]
    csv = write(tmp_path, "\n".join(rows).replace(";", delimiter))
    out = ixon.ok("invite", "--csv", csv, "--company", seeded["companyId"], "--json")
    assert [r["result"] for r in json.loads(out)] == ["invited"]
    assert counts(ixon) == (1, 1)


def test_a_row_with_extra_columns_is_refused_not_guessed(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    csv = write(
        tmp_path,
        "email,group,role,message\n"
        "ann@example.com,,Viewer,Hello, and welcome\n"  # an unquoted comma in the message
        'bob@example.com,,Viewer,"Hello, and welcome"\n'
        "carl@example.com,,Viewer,,\n"  # a trailing comma, as spreadsheets write: fine
        ",,Viewer,\n",
    )
    code, out, _ = ixon("invite", "--csv", csv, "--company", seeded["companyId"], "--json")
    assert code == 1
    rows = {r["line"]: r for r in json.loads(out)}
    assert rows[2]["result"] == "invalid" and "5 values" in rows[2]["detail"]
    assert "double quotes" in rows[2]["detail"]
    assert rows[3]["result"] == rows[4]["result"] == "invited"
    assert rows[5]["result"] == "invalid"
    assert rows[5]["detail"] == "the e-mail address is missing"  # like a missing role
    assert counts(ixon) == (2, 2)


def test_a_file_in_no_known_layout_names_the_delimiters(
    ixon: Cli, seeded: dict[str, str], tmp_path: Path
) -> None:
    csv = write(tmp_path, "email|group|role\nann@example.com||Viewer\n")
    error = ixon.fails("invite", "--csv", csv, "--company", seeded["companyId"])
    assert "email, group, role" in error and "semicolon" in error
