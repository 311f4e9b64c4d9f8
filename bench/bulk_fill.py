"""What bench/bulk_writes.py fills a scratch database with, and the requests it times.

Plain SQL (generate_series), so filling 4,000 of each takes seconds: companies as
`POST /companies` makes them (company group, the four default roles, the creator's
membership), people of one company with two memberships each, unused roles, groups, group
types, pending invites with a membership and a link each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth.permissions import Permission

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
class BulkRequest:
    name: str
    url: str
    ids: str  # SQL: the public ids to send
    left: str  # SQL: how many rows are left unchanged afterwards (must be 0)
    company_header: bool = True
    method: str = "DELETE"
    change: dict[str, Any] = field(default_factory=dict)  # what a PATCH item sets


PATCHES = [
    BulkRequest(
        "roles",
        "/roles",
        "SELECT public_id FROM roles WHERE name LIKE 'Bulk role %'",
        "SELECT count(*) FROM roles WHERE name LIKE 'Bulk role %' AND description IS NULL",
        method="PATCH",
        change={"description": "patched in bulk"},
    ),
    BulkRequest(
        "group types",
        "/group-types",
        "SELECT public_id FROM group_types WHERE name LIKE 'Bulk type %'",
        "SELECT count(*) FROM group_types WHERE name LIKE 'Bulk type %' AND \"order\" = 0",
        method="PATCH",
        change={"order": 7},
    ),
    BulkRequest(
        "groups",
        "/groups",
        "SELECT public_id FROM groups WHERE name LIKE 'Bulk group %'",
        "SELECT count(*) FROM groups WHERE name LIKE 'Bulk group %' AND custom::text = '{}'",
        method="PATCH",
        change={"custom": {"patched": True}},
    ),
    BulkRequest(
        "memberships",
        "/users/memberships",
        "SELECT m.public_id FROM memberships m JOIN users u ON u.id = m.user_id "
        "JOIN roles r ON r.id = m.role_id WHERE u.name LIKE 'Person %' AND r.name = 'Editor'",
        "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.name LIKE 'Person %' AND m.expires_on IS NULL AND m.role_id = "
        "(SELECT r.id FROM roles r JOIN memberships a ON a.role_id = r.id "
        "JOIN users u2 ON u2.id = a.user_id WHERE r.name = 'Editor' AND u2.name LIKE 'Person %' "
        "LIMIT 1)",
        method="PATCH",
        change={"expiresOn": "2099-01-01T00:00:00Z"},
    ),
]

PATHS = [
    BulkRequest(
        "companies",
        "/companies",
        "SELECT public_id FROM companies WHERE name LIKE 'Bulk %'",
        "SELECT count(*) FROM companies WHERE name LIKE 'Bulk %'",
        company_header=False,
    ),
    BulkRequest(
        "memberships",
        "/users/memberships",
        "SELECT m.public_id FROM memberships m JOIN users u ON u.id = m.user_id "
        "JOIN roles r ON r.id = m.role_id WHERE u.name LIKE 'Person %' AND r.name = 'Editor'",
        "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id "
        "JOIN users u ON u.id = m.user_id WHERE u.name LIKE 'Person %' AND r.name = 'Editor'",
    ),
    BulkRequest(
        "people",
        "/users",
        "SELECT public_id FROM users WHERE name LIKE 'Person %'",
        "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.name LIKE 'Person %'",
    ),
    BulkRequest(
        "roles",
        "/roles",
        "SELECT public_id FROM roles WHERE name LIKE 'Bulk role %'",
        "SELECT count(*) FROM roles WHERE name LIKE 'Bulk role %'",
    ),
    BulkRequest(
        "groups",
        "/groups",
        "SELECT public_id FROM groups WHERE name LIKE 'Bulk group %'",
        "SELECT count(*) FROM groups WHERE name LIKE 'Bulk group %'",
    ),
    BulkRequest(
        "group types",
        "/group-types",
        "SELECT public_id FROM group_types WHERE name LIKE 'Bulk type %'",
        "SELECT count(*) FROM group_types WHERE name LIKE 'Bulk type %'",
    ),
    BulkRequest(
        "invites",
        "/invites",
        "SELECT public_id FROM invites WHERE status = 'pending'",
        "SELECT count(*) FROM invites WHERE status = 'pending'",
    ),
]


async def fill(connection: AsyncConnection, items: int, ids: dict[str, str]) -> None:
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
