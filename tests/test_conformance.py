"""IXON's conformance checker (../shared/conformance) against a live server, at `/` and at
`/api/`, on both databases: a client that knows nothing of our code, validating every answer
against IXON's published schemas. Skipped only where the checker is not beside the project."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from tests.ops.servers import IXON_API, ROOT, serving

CHECKER = ROOT.parent / "shared" / "conformance" / "ixon_conformance.py"
PASSWORD = "a long passphrase"


def _prepare(url: str) -> str:
    environment = os.environ | {"IXON_DATABASE_URL": url, "IXON_MAIL_BACKEND": "memory"}
    run = {"env": environment, "capture_output": True, "text": True, "check": True, "timeout": 120}
    subprocess.run([IXON_API, "migrate"], **run)  # type: ignore[call-overload]
    made = subprocess.run(  # type: ignore[call-overload]
        [
            IXON_API,
            "bootstrap",
            "--company",
            "Acme",
            "--email",
            "admin@example.com",
            "--password",
            PASSWORD,
            "--json",
        ],
        **run,
    )
    return str(json.loads(made.stdout)["applicationId"])


def _check(base: str, prefix: str, application: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(CHECKER),
            "--base-url",
            base,
            "--prefix",
            prefix,
            "--application",
            application,
            "--email",
            "admin@example.com",
            "--password",
            PASSWORD,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.e2e
@pytest.mark.skipif(not CHECKER.exists(), reason="the shared conformance checker is not here")
async def test_the_conformance_checker_passes_every_step(scratch_url: str) -> None:
    application = await asyncio.to_thread(_prepare, scratch_url)
    with serving(scratch_url) as (server,):
        for prefix in ("", "/api"):
            result = await asyncio.to_thread(_check, server.base, prefix, application)
            last = (result.stdout.strip().splitlines() or [""])[-1]
            failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
            assert result.returncode == 0 and last.endswith(" 0 failed"), (prefix, failures, last)
