"""Keyset paging: does a page deep in a large list cost what the first page costs?

Fills one company with many groups (PostgreSQL, one INSERT ... SELECT generate_series), then
times `GET /groups` for the first page and for a page after the 99th percentile of the list,
each many times, against a live server. Prints both and their ratio.

    python -m bench.paging [--rows 200000] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os

import httpx
from sqlalchemy import text

from app.config import Settings
from app.db.session import create_engine
from bench.auth_overhead import bootstrap
from bench.common import load, scratch_postgres, server, table

FILL = text(
    "INSERT INTO groups (public_id, company_id, name, is_company_group, custom, created_on) "
    "SELECT substr(md5(i::text), 1, 12), c.id, 'group ' || i, false, '{}', now() "
    "FROM generate_series(1, :rows) AS i, companies c WHERE c.public_id = :company"
)
CURSOR = text(
    "SELECT g.public_id FROM groups g JOIN companies c ON c.id = g.company_id "
    "WHERE c.public_id = :company ORDER BY g.id OFFSET :offset LIMIT 1"
)


async def main(rows: int, requests: int) -> None:
    async with scratch_postgres() as url:
        env = {
            "IXON_DATABASE_URL": url,
            "IXON_MAIL_BACKEND": "memory",
            "IXON_OUTBOX_WORKER": "false",
        }
        ids = await asyncio.to_thread(bootstrap, env)
        engine = create_engine(Settings(database_url=url))
        async with engine.begin() as connection:
            await connection.execute(FILL, {"rows": rows, "company": ids["companyId"]})
            await connection.execute(text("ANALYZE groups"))
            deep = (
                await connection.execute(
                    CURSOR, {"company": ids["companyId"], "offset": int(rows * 0.99)}
                )
            ).scalar_one()
        await engine.dispose()
        headers = {
            "Api-Version": "2",
            "Api-Application": ids["applicationId"],
            "Api-Company": ids["companyId"],
            "Authorization": f"Bearer {ids['accessToken']}",
        }
        with server("app.main:create_app", env, factory=True) as base:
            first = await load(
                "first page (20 rows)",
                f"{base}/groups?page-size=20",
                headers,
                requests=requests,
                concurrency=4,
            )
            later = await load(
                f"page after row {int(rows * 0.99):,}",
                f"{base}/groups?page-size=20&page-after={deep}",
                headers,
                requests=requests,
                concurrency=4,
            )
            async with httpx.AsyncClient(headers=headers) as client:
                shown = (await client.get(f"{base}/groups?page-size=20&page-after={deep}")).json()
            assert len(shown["data"]) == 20, shown
        print(
            table(
                f"Keyset paging over {rows:,} groups ({requests} requests each)",
                [first, later],
                first,
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=300)
    arguments = parser.parse_args()
    os.environ.setdefault("IXON_OUTBOX_WORKER", "false")
    asyncio.run(main(arguments.rows, arguments.requests))
