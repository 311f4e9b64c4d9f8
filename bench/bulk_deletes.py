"""Bulk deletes at the bulk cap: how long does one `DELETE` with 4,000 items take?

Fills a scratch PostgreSQL database (plain SQL, generate_series) with what each bulk path
deletes — companies as `POST /companies` makes them (company group, the four default roles,
the creator's membership), people of one company, their extra memberships, unused roles,
groups, group types, pending invites with their links — then times one `DELETE` of them all,
against a live server. Every answer must be a success and every row gone.

    python -m bench.bulk_deletes [--items 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth.permissions import Permission
from app.config import Settings
from app.db.session import create_engine
from bench.auth_overhead import bootstrap
from bench.common import scratch_postgres, server

ID = "substr(md5(random()::text || i::text), 1, 12)"
COMPANY_ID = (
    "lpad(i::text, 4, '0') || '-' || lpad((i * 7 % 10000)::text, 4, '0') || '-7777-8888-9999'"
)
FILL = {
    "companies": [
        "INSERT INTO companies (public_id, name, default_user_invite_language, custom_terms_of_use,"
        " custom_privacy_statement, custom, created_on) "
        f"SELECT {COMPANY_ID}, 'Bulk ' || i, 'en', 'disabled', 'disabled', '{{}}', now() "
        "FROM generate_series(1, :n) AS i",
        "INSERT INTO groups (public_id, company_id, name, is_company_group, custom, created_on) "
        f"SELECT {ID}, c.id, c.name, true, '{{}}', now() FROM companies c, "
        "generate_series(1, 1) AS i WHERE c.name LIKE 'Bulk %'",
        "INSERT INTO roles (public_id, company_id, name, enforce2fa, enforce_sso, custom, "
        f"created_on) SELECT {ID}, c.id, r.name, false, false, '{{}}', now() "
        "FROM companies c, generate_series(1, 1) AS i, "
        "(VALUES ('Administrator'), ('Editor'), ('Viewer'), ('User')) AS r(name) "
        "WHERE c.name LIKE 'Bulk %'",
        "INSERT INTO role_permissions (role_id, permission) SELECT r.id, p "
        "FROM roles r JOIN companies c ON c.id = r.company_id, unnest(CAST(:permissions AS text[]))"
        " AS p WHERE c.name LIKE 'Bulk %' AND r.name = 'Administrator'",
        "INSERT INTO memberships (public_id, company_id, user_id, group_id, role_id, created_on) "
        f"SELECT {ID}, c.id, u.id, g.id, r.id, now() FROM companies c "
        "JOIN groups g ON g.company_id = c.id JOIN roles r ON r.company_id = c.id "
        "AND r.name = 'Administrator', users u, generate_series(1, 1) AS i "
        "WHERE c.name LIKE 'Bulk %' AND u.public_id = :user",
    ],
    "people": [
        "INSERT INTO users (public_id, type, name, email_address, email_normalized, language, "
        "custom, support, registered_on) SELECT "
        f"{ID}, 'person', 'Person ' || i, 'p' || i || '@example.com', 'p' || i || '@example.com', "
        "'en', '{}', false, now() FROM generate_series(1, :n) AS i",
        # Two memberships each, Viewer and Editor, in the company group.
        "INSERT INTO memberships (public_id, company_id, user_id, group_id, role_id, created_on) "
        f"SELECT {ID}, c.id, u.id, g.id, r.id, now() FROM companies c "
        "JOIN groups g ON g.company_id = c.id AND g.is_company_group "
        "JOIN roles r ON r.company_id = c.id AND r.name IN ('Viewer', 'Editor'), users u, "
        "generate_series(1, 1) AS i WHERE c.public_id = :company AND u.name LIKE 'Person %'",
    ],
    "roles": [
        "INSERT INTO roles (public_id, company_id, name, enforce2fa, enforce_sso, custom, "
        f"created_on) SELECT {ID}, c.id, 'Bulk role ' || i, false, false, '{{}}', now() "
        "FROM companies c, generate_series(1, :n) AS i WHERE c.public_id = :company",
        "INSERT INTO role_permissions (role_id, permission) SELECT r.id, 'VIEW_USERS' "
        "FROM roles r WHERE r.name LIKE 'Bulk role %'",
    ],
    "group types": [
        'INSERT INTO group_types (public_id, company_id, name, "order", custom, created_on) '
        f"SELECT {ID}, c.id, 'Bulk type ' || i, 0, '{{}}', now() "
        "FROM companies c, generate_series(1, :n) AS i WHERE c.public_id = :company",
    ],
    "groups": [
        "INSERT INTO groups (public_id, company_id, name, parent_id, is_company_group, custom, "
        f"created_on) SELECT {ID}, c.id, 'Bulk group ' || i, g.id, false, '{{}}', now() "
        "FROM companies c JOIN groups g ON g.company_id = c.id AND g.is_company_group, "
        "generate_series(1, :n) AS i WHERE c.public_id = :company",
    ],
    "invites": [
        "INSERT INTO invites (public_id, company_id, email_address, email_normalized, language, "
        "branding, status, expires_on, sent_count, created_on) SELECT "
        f"{ID}, c.id, 'i' || i || '@example.com', 'i' || i || '@example.com', 'en', "
        "'portal.ixon.cloud', 'pending', now() + interval '1 day', 1, now() "
        "FROM companies c, generate_series(1, :n) AS i WHERE c.public_id = :company",
        "INSERT INTO memberships (public_id, company_id, invite_id, group_id, role_id, created_on)"
        f" SELECT {ID}, v.company_id, v.id, g.id, r.id, now() FROM invites v "
        "JOIN groups g ON g.company_id = v.company_id AND g.is_company_group "
        "JOIN roles r ON r.company_id = v.company_id AND r.name = 'Viewer', "
        "generate_series(1, 1) AS i",
        "INSERT INTO action_tokens (public_id, kind, token_hash, reference, expires_on, "
        f"created_on) SELECT {ID}, 'invite', md5(v.public_id) || md5(v.email_normalized), "
        "v.public_id, v.expires_on, now() FROM invites v, generate_series(1, 1) AS i",
    ],
}


@dataclass
class Path:
    name: str
    url: str
    ids: str  # SQL: the public ids to send
    left: str  # SQL: how many rows are left afterwards (must be 0)
    company_header: bool = True


PATHS = [
    Path(
        "companies",
        "/companies",
        "SELECT public_id FROM companies WHERE name LIKE 'Bulk %'",
        "SELECT count(*) FROM companies WHERE name LIKE 'Bulk %'",
        company_header=False,
    ),
    Path(
        "memberships",
        "/users/memberships",
        "SELECT m.public_id FROM memberships m JOIN users u ON u.id = m.user_id "
        "JOIN roles r ON r.id = m.role_id WHERE u.name LIKE 'Person %' AND r.name = 'Editor'",
        "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id "
        "JOIN users u ON u.id = m.user_id WHERE u.name LIKE 'Person %' AND r.name = 'Editor'",
    ),
    Path(
        "people",
        "/users",
        "SELECT public_id FROM users WHERE name LIKE 'Person %'",
        "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.name LIKE 'Person %'",
    ),
    Path(
        "roles",
        "/roles",
        "SELECT public_id FROM roles WHERE name LIKE 'Bulk role %'",
        "SELECT count(*) FROM roles WHERE name LIKE 'Bulk role %'",
    ),
    Path(
        "groups",
        "/groups",
        "SELECT public_id FROM groups WHERE name LIKE 'Bulk group %'",
        "SELECT count(*) FROM groups WHERE name LIKE 'Bulk group %'",
    ),
    Path(
        "group types",
        "/group-types",
        "SELECT public_id FROM group_types WHERE name LIKE 'Bulk type %'",
        "SELECT count(*) FROM group_types WHERE name LIKE 'Bulk type %'",
    ),
    Path(
        "invites",
        "/invites",
        "SELECT public_id FROM invites WHERE status = 'pending'",
        "SELECT count(*) FROM invites WHERE status = 'pending'",
    ),
]


async def _fill(connection: AsyncConnection, items: int, ids: dict[str, str]) -> None:
    values = {
        "n": items,
        "company": ids["companyId"],
        "user": ids["userId"],
        "permissions": [p.value for p in Permission],
    }
    for statements in FILL.values():
        for statement in statements:
            wanted = {k: v for k, v in values.items() if f":{k}" in statement}
            await connection.execute(text(statement), wanted)
    await connection.execute(text("ANALYZE"))


async def _time(
    client: httpx.AsyncClient, base: str, path: Path, headers: dict[str, str], ids: list[str]
) -> float:
    sent = (
        headers if path.company_header else {k: v for k, v in headers.items() if k != "Api-Company"}
    )
    started = time.perf_counter()
    response = await client.request(
        "DELETE", base + path.url, headers=sent, json=[{"publicId": i} for i in ids]
    )
    elapsed = time.perf_counter() - started
    assert response.is_success, (path.name, response.status_code, response.text[:500])
    return elapsed


async def main(items: int) -> None:
    async with scratch_postgres() as url:
        env = {
            "IXON_DATABASE_URL": url,
            "IXON_MAIL_BACKEND": "memory",
            "IXON_OUTBOX_WORKER": "false",
        }
        ids = await asyncio.to_thread(bootstrap, env)
        engine = create_engine(Settings(database_url=url))
        async with engine.begin() as connection:
            await _fill(connection, items, ids)
        headers = {
            "Api-Version": "2",
            "Api-Application": ids["applicationId"],
            "Api-Company": ids["companyId"],
            "Authorization": f"Bearer {ids['accessToken']}",
        }
        lines = [
            f"One DELETE with {items:,} items (PostgreSQL, live server)",
            f"{'':<14}{'items':>8}{'seconds':>10}",
        ]
        with server("app.main:create_app", env, factory=True) as base:
            async with httpx.AsyncClient(timeout=600) as client:
                for path in PATHS:
                    async with engine.connect() as connection:
                        sent = list((await connection.execute(text(path.ids))).scalars())
                    seconds = await _time(client, base, path, headers, sent)
                    async with engine.connect() as connection:
                        left = (await connection.execute(text(path.left))).scalar_one()
                    assert left == 0, (path.name, left)
                    lines.append(f"{path.name:<14}{len(sent):>8}{seconds:>10.2f}")
        await engine.dispose()
        print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    arguments = parser.parse_args()
    os.environ.setdefault("IXON_OUTBOX_WORKER", "false")
    asyncio.run(main(arguments.items))
