"""The company the benchmarks read: made through the `ixon-api` CLI and the public HTTP API.

A bootstrapped company and administrator, then enough roles and groups for a full first page
(20 rows), one of the roles ("Bench member") for the seeded users and the invites.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import dataclass, replace
from typing import Any

import httpx

from bench.common import IXON_API, BenchError

PASSWORD = "bench passphrase"
PAGE = 20
MEMBER_ROLE = "Bench member"


@dataclass(frozen=True)
class World:
    base: str
    application: str
    company: str
    token: str
    email: str
    admin: str  # the administrator's user public id
    member_role: str = ""
    company_group: str = ""
    rss: float = 0.0  # MB of the server worker once set up, before any load

    def headers(self) -> dict[str, str]:
        """An authenticated company request, as IXON's clients send it."""
        return {
            "Api-Version": "2",
            "Api-Application": self.application,
            "Api-Company": self.company,
            "Authorization": f"Bearer {self.token}",
        }

    def login_headers(self) -> dict[str, str]:
        """`POST /access-tokens` with Basic email:otp:password (no one-time password)."""
        basic = base64.b64encode(f"{self.email}::{PASSWORD}".encode()).decode()
        return {
            "Api-Version": "2",
            "Api-Application": self.application,
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/json",
        }


def bootstrap(env: dict[str, str]) -> dict[str, str]:
    made = subprocess.run(
        [IXON_API, "bootstrap", "--json", "--password", PASSWORD],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise BenchError(f"ixon-api bootstrap failed: {made.stderr.strip()[-300:]}")
    return dict(json.loads(made.stdout))


def call(client: httpx.Client, method: str, path: str, body: Any = None) -> Any:
    answer = client.request(method, path, json=body)
    if answer.status_code >= 400:
        raise BenchError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
    return answer.json()["data"]


def build(base: str, ids: dict[str, str]) -> World:
    """Roles and groups through the API, so the first page of each is full."""
    world = World(
        base=base,
        application=ids["applicationId"],
        company=ids["companyId"],
        token=ids["accessToken"],
        email=ids["email"],
        admin=ids["userId"],
    )
    with httpx.Client(base_url=base, headers=world.headers(), timeout=60) as client:
        roles = [{"name": MEMBER_ROLE}] + [{"name": f"Bench role {i}"} for i in range(PAGE)]
        member = call(client, "POST", "/roles", roles)[0]["publicId"]
        kind = call(client, "POST", "/group-types", [{"name": "Bench site"}])[0]["publicId"]
        groups = [{"name": f"Bench group {i}", "type": {"publicId": kind}} for i in range(PAGE)]
        call(client, "POST", "/groups", groups)
        listed = call(client, "GET", "/groups?fields=publicId,isCompanyGroup&page-size=100")
    company_group = next(g["publicId"] for g in listed if g.get("isCompanyGroup"))
    return replace(world, member_role=member, company_group=company_group)
