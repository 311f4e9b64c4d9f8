"""Many users, fast: rows copied from a template in PostgreSQL with generate_series.

Each new user is a copy of a user the API made (the bootstrap administrator), and each new
membership a copy of that user's membership, with the identifying columns replaced. Copying
every other column as it is keeps the seed right while the schema grows: a column added by a
later migration comes along with its template's value, with no change here.
"""

from __future__ import annotations

import asyncpg

# Columns set per copy; `id` comes from the table's sequence. Public ids are 12 characters of
# [0-9A-Za-z] like the service's own, with a prefix no random id is likely to share.
USER_COLUMNS = {
    "public_id": "'bU' || lpad(i::text, 10, '0')",
    "name": "'Bench user ' || i",
    "email_address": "'bench-user-' || i || '@example.com'",
    "email_normalized": "'bench-user-' || i || '@example.com'",
}
MEMBERSHIP_COLUMNS = {
    "public_id": "'bM' || lpad(u.id::text, 10, '0')",
    "user_id": "u.id",
    "role_id": "$2",
}


async def columns(connection: asyncpg.Connection, table: str) -> list[str]:
    rows = await connection.fetch(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'id' "
        "ORDER BY ordinal_position",
        table,
    )
    return [row["column_name"] for row in rows]


def copy_list(names: list[str], replaced: dict[str, str], template: str) -> tuple[str, str]:
    """The INSERT's column list and the SELECT's expressions: replaced or the template's."""
    quoted = ", ".join(f'"{name}"' for name in names)
    values = ", ".join(replaced.get(name, f'{template}."{name}"') for name in names)
    return quoted, values


async def grow_users(
    connection: asyncpg.Connection,
    *,
    template_user: str,
    role: str,
    have: int,
    want: int,
) -> None:
    """Users ``have + 1 .. want`` in the template user's company, each with one membership like
    the template's (same group) but in ``role`` (a public id)."""
    if want <= have:
        return
    user_names, user_values = copy_list(await columns(connection, "users"), USER_COLUMNS, "t")
    member_names, member_values = copy_list(
        await columns(connection, "memberships"), MEMBERSHIP_COLUMNS, "t"
    )
    async with connection.transaction():
        last_id = await connection.fetchval("SELECT coalesce(max(id), 0) FROM users")
        await connection.execute(
            f"INSERT INTO users ({user_names}) SELECT {user_values} "
            "FROM users t CROSS JOIN generate_series($2::bigint, $3::bigint) AS i "
            "WHERE t.public_id = $1",
            template_user,
            have + 1,
            want,
        )
        await connection.execute(
            f"INSERT INTO memberships ({member_names}) SELECT {member_values} "
            "FROM memberships t JOIN users o ON o.id = t.user_id CROSS JOIN users u "
            "WHERE o.public_id = $1 AND u.id > $3 "
            "AND t.id = (SELECT min(m.id) FROM memberships m WHERE m.user_id = o.id)",
            template_user,
            await connection.fetchval("SELECT id FROM roles WHERE public_id = $1", role),
            last_id,
        )
    await connection.execute("ANALYZE users")
    await connection.execute("ANALYZE memberships")


async def users_seeded(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT count(*) FROM users WHERE public_id LIKE 'bU%'"))


async def password_hash(connection: asyncpg.Connection, user: str) -> str:
    return str(
        await connection.fetchval("SELECT password_hash FROM users WHERE public_id = $1", user)
    )
