"""`make bench`: the speed figures of issue 11, each with its baseline from the same run.

One `ixon-api serve` worker and the baseline app (bench/bare_app.py) on CPU 0, wrk on CPU 1,
a scratch PostgreSQL database; prints one table (bench/README.md says how to read it).

    python -m bench [--quick] [--seconds 10] [--max-users 1000000] [--strict]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import lists, mail, reads, report, seed, wrk
from bench.common import (
    IXON_API,
    ROOT,
    BenchError,
    asyncpg_dsn,
    check_machine,
    in_database,
    rss_mb,
    scratch_postgres,
    server,
    worker_pids,
)
from bench.report import Row
from bench.world import PASSWORD, World, bootstrap, build

SIZES = (1_000, 10_000, 100_000, 1_000_000)
RSS_GOAL_MB = 150


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 s loads, 10k users")
    parser.add_argument("--seconds", type=int, help="length of each wrk run (10 s)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--max-users", type=int, help="users of the largest company (1,000,000)")
    parser.add_argument("--invites", type=int, help="addresses of the bulk invite (10,000)")
    parser.add_argument("--outbox-seconds", type=int, help="outbox measuring window (10 s)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' log files")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parsed = parser.parse_args(argv)
    quick = parsed.quick
    parsed.seconds = parsed.seconds or (2 if quick else 10)
    parsed.max_users = parsed.max_users or (10_000 if quick else SIZES[-1])
    parsed.invites = parsed.invites or (1_000 if quick else 10_000)
    parsed.outbox_seconds = parsed.outbox_seconds or (3 if quick else 10)
    if parsed.max_users < 2 * SIZES[0]:
        parser.error(f"--max-users must be at least {2 * SIZES[0]:,}")
    return parsed


def company_sizes(top: int) -> list[int]:
    return sorted({size for size in SIZES if size < top} | {top})


def server_env(url: str) -> dict[str, str]:
    """The service as deployed, less what would blur the figures: no mail worker in the API
    process (the outbox is measured on its own), log-in limits above any load we send."""
    return {
        "IXON_DATABASE_URL": url,
        "IXON_MAIL_BACKEND": "memory",
        "IXON_OUTBOX_WORKER": "false",
        # 8 log-ins of one account from one client are in flight at once; each counts until
        # it succeeds, so the pair's limit (5) would refuse some of them.
        "IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT": "1000000/minute",
        "IXON_LOGIN_LIMIT_PER_ACCOUNT": "1000000/minute",
        "IXON_LOGIN_LIMIT_PER_ADDRESS": "1000000/minute",
        "IXON_DEFAULT_BRANDING": mail.BRANDING,
    }


def guarded(figure: str, work: Callable[[], list[Row]]) -> list[Row]:
    """One part failing (the app changed under the harness) still leaves the others."""
    try:
        return work()
    except (BenchError, OSError, ValueError, KeyError) as error:
        print(f"bench: {figure}: {error}", file=sys.stderr)
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        return [report.failed(figure, first_line[:70])]


def measure_baselines(shape: reads.Shape, url: str, world: World, logs: Path) -> reads.Baselines:
    stored = in_database(asyncpg_dsn(url), lambda c: seed.password_hash(c, world.admin))
    env = {
        "IXON_DATABASE_URL": url,
        "IXON_BENCH_PASSWORD_HASH": stored,
        "IXON_BENCH_PASSWORD": PASSWORD,
    }
    args = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--no-access-log"]
    with server(args, env, logs / "bare.log") as (bare, _):
        return reads.baselines(shape, bare, world)


def worker_rss(pid: int) -> float:
    return max(rss_mb(worker) for worker in worker_pids(pid))


def list_rows(
    shape: reads.Shape, dsn: str, world: World, sizes: list[int], first: wrk.Outcome, pid: int
) -> list[Row]:
    """Lists flat, then the worker's memory after them against its memory at start."""
    found = lists.lists(shape, dsn, world, sizes, first)
    figure = f"RSS per worker after the {sizes[-1]:,}-user run vs at start"
    rss = report.scalar(figure, worker_rss(pid), "MB", below=RSS_GOAL_MB, baseline=world.rss)
    return [*lists.rows(found), rss]


def measure_all(args: argparse.Namespace, url: str, logs: Path) -> list[Row]:
    shape = reads.Shape(args.seconds, args.connections)
    sizes = company_sizes(args.max_users)
    env, dsn = server_env(url), asyncpg_dsn(url)
    ids = bootstrap(env)
    with server([IXON_API, "serve"], env, logs / "server.log") as (base, pid):
        world = replace(build(base, ids), rss=worker_rss(pid))
        lists.seed_users(dsn, world, 0, sizes[0])
        baselines = measure_baselines(shape, url, world, logs)
        found = reads.company_reads(shape, world)
        rows = reads.read_rows(baselines, found)
        roles = found["GET /roles"]
        rows += guarded(
            "log-ins",
            lambda: reads.login_rows(baselines, reads.logins(shape, world), roles),
        )
        users = found["GET /users"]
        rows += guarded("lists", lambda: list_rows(shape, dsn, world, sizes, users, pid))
        rows += guarded("bulk invite", lambda: [mail.invite_row(dsn, world, args.invites)])
    outbox_log = logs / "outbox.log"
    rows += guarded("outbox", lambda: [mail.outbox_row(dsn, env, args.outbox_seconds, outbox_log)])
    return rows


def describe(args: argparse.Namespace) -> str:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    mode = "--quick smoke run (goals are for the full run) " if args.quick else ""
    return (
        f"ixon-api bench {mode}at {commit or 'unknown commit'}, {time.strftime('%Y-%m-%d %H:%M')}: "
        f"one server worker on CPU 0, wrk -t1 -c{args.connections} -d{args.seconds}s on CPU 1, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="ixon-bench-"))
    try:
        check_machine()
        wrk.ensure_wrk()
        print(describe(args), flush=True)
        with scratch_postgres() as url:
            version = in_database(asyncpg_dsn(url), lambda c: c.fetchval("SHOW server_version"))
            print(f"PostgreSQL {version} (not pinned: it shares both cores)", flush=True)
            rows = measure_all(args, url, logs)
    except BenchError as error:
        print(f"bench: {error}\n(logs in {logs})", file=sys.stderr)
        return 2
    print(report.table(rows))
    print(
        f"{time.monotonic() - started:.0f} s in all; load average now "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if args.keep_logs:
        print(f"server logs in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    missed = any(row.verdict not in (report.PASS, "") for row in rows)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
