"""`ixon-api webhook ...`: add (the secret printed once), list, disable, enable, delete."""

from __future__ import annotations

import re

from tests.ops.conftest import Cli


def test_endpoints_from_the_command_line(ixon: Cli, seeded: dict[str, str]) -> None:
    company = seeded["companyId"]
    out = ixon.ok(
        "webhook", "add", "--company", company, "--url", "https://hooks.example.com/cli",
        "--event", "invite.created", "--event", "membership.removed",
    )  # fmt: skip
    found = re.search(r"publicId: (\w{12})\nsecret:   (whsec_\S+)", out)
    assert found is not None, out
    endpoint = found[1]
    listed = ixon.ok("webhook", "list", "--company", company)
    assert endpoint in listed and "hooks.example.com" in listed and found[2] not in listed
    assert "disabled" in ixon.ok("webhook", "disable", endpoint)
    assert "disabled (by hand)" in ixon.ok("webhook", "list", "--company", company)
    assert "enabled" in ixon.ok("webhook", "enable", endpoint)
    assert "deleted 1" in ixon.ok("webhook", "delete", endpoint)
    assert endpoint not in ixon.ok("webhook", "list", "--company", company)


def test_bad_input_is_one_error_line(ixon: Cli, seeded: dict[str, str]) -> None:
    company = seeded["companyId"]
    base = ("webhook", "add", "--company", company, "--event", "invite.created")
    assert "private, loopback" in ixon.fails(*base, "--url", "http://127.0.0.1:9/x")
    assert "unknown event" in ixon.fails(
        "webhook", "add", "--company", company, "--url", "https://h.example.com", "--event", "x"
    )
    assert "not found" in ixon.fails(
        "webhook", "add", "--company", "0000-0000-0000-0000-0000", "--url",
        "https://h.example.com", "--event", "invite.created",
    )  # fmt: skip
    assert "not found" in ixon.fails("webhook", "enable", "nothere12345")
