"""How close does an authenticated, IXON-shaped `GET /roles` come to a bare FastAPI endpoint
doing one query? Both served by uvicorn on the same PostgreSQL database, in the same run.

    python -m bench.auth_overhead [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.common import load, scratch_postgres, server, table

IXON_API = str(Path(sys.executable).parent / "ixon-api")


def bootstrap(env: dict[str, str]) -> dict[str, str]:
    made = subprocess.run(
        [IXON_API, "bootstrap", "--json", "--password", "bench passphrase"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(made.stdout))


async def main(requests: int) -> None:
    async with scratch_postgres() as url:
        env = {
            "IXON_DATABASE_URL": url,
            "IXON_MAIL_BACKEND": "memory",
            "IXON_OUTBOX_WORKER": "false",
        }
        ids = await asyncio.to_thread(bootstrap, env)
        headers = {
            "Api-Version": "2",
            "Api-Application": ids["applicationId"],
            "Api-Company": ids["companyId"],
            "Authorization": f"Bearer {ids['accessToken']}",
        }
        company = ids["companyId"]
        with server("bench.bare_app:app", env) as bare:
            baseline = await load(
                "bare FastAPI, one query", f"{bare}/roles?company={company}", {}, requests=requests
            )
        with server("app.main:create_app", env, factory=True) as ours:
            roles = await load(
                "GET /roles (auth + company)",
                f"{ours}/roles?fields=publicId,name",
                headers,
                requests=requests,
            )
            me = await load(
                "GET /users/me (auth only)", f"{ours}/users/me", headers, requests=requests
            )
        print(
            table(
                f"Authenticated IXON answers vs a bare endpoint ({requests} requests each)",
                [baseline, roles, me],
                baseline,
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    asyncio.run(main(parser.parse_args().requests))
