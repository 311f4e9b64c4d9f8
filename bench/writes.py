"""The write-side figures of `make bench` alone: log-ins vs argon2, the bulk invite, the outbox.

The same parts, processes and pinning as the full run (bench/__main__.py), without the read and
list loads: a quicker loop while working on these paths.

    python -m bench.writes [--invites 10000] [--seconds 10] [--outbox-seconds 10] [--no-logins]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench import mail, reads, report, wrk
from bench.__main__ import guarded, measure_baselines, server_env
from bench.common import IXON_API, BenchError, asyncpg_dsn, check_machine, scratch_postgres, server
from bench.report import Row
from bench.world import bootstrap, build


def measure(args: argparse.Namespace, url: str, logs: Path) -> list[Row]:
    shape = reads.Shape(args.seconds, 64)
    env, dsn = server_env(url), asyncpg_dsn(url)
    ids = bootstrap(env)
    rows: list[Row] = []
    with server([IXON_API, "serve"], env, logs / "server.log") as (base, _pid):
        world = build(base, ids)
        if args.logins:
            baselines = measure_baselines(shape, url, world, logs)
            found = reads.logins(shape, world)
            rows += [
                report.measured("baseline: raw argon2 verify", baselines.argon2),
                report.rate_at_least("log-ins vs argon2", found.logins, baselines.argon2, 0.8),
            ]
        rows += guarded("bulk invite", lambda: [mail.invite_row(dsn, world, args.invites)])
    outbox_log = logs / "outbox.log"
    rows += guarded("outbox", lambda: [mail.outbox_row(dsn, env, args.outbox_seconds, outbox_log)])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invites", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--outbox-seconds", type=int, default=10)
    parser.add_argument("--no-logins", dest="logins", action="store_false")
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="ixon-bench-writes-"))
    try:
        check_machine()
        wrk.ensure_wrk()
        with scratch_postgres() as url:
            rows = measure(args, url, logs)
    except BenchError as error:
        print(f"bench: {error}\n(logs in {logs})", file=sys.stderr)
        return 2
    print(report.table(rows))
    shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
