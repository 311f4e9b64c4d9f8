"""`ixon-api serve --workers N`: N processes, metrics summed across them, JSON request lines."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.db import migrate
from tests.ops.servers import serving

pytestmark = pytest.mark.e2e


def healthz_count(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "ixon_http_requests_total" and sample.labels["route"] == "/healthz"
    )


def test_two_workers_share_metrics_and_log_json_lines(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}"
    migrate.upgrade(url)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale")  # an earlier run's: removed at start
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with serving(url, workers=2, env=env) as (server,):
        sent = 0
        pids: set[str] = set()
        # New connections until both workers have answered some (the kernel picks the worker).
        while len(pids) < 2 and sent < 400:
            with httpx.Client(base_url=server.base) as client:
                assert client.get("/healthz").status_code == 200
            sent += 1
            pids = {p.stem.rpartition("_")[2] for p in metrics_dir.glob("counter_*.db")}
        assert len(pids) == 2, "one worker answered every request"
        with httpx.Client(base_url=server.base) as client:
            scraped = client.get("/metrics").text
            assert client.get("/readyz").json()["status"] == "ready"
            headers = {"Api-Version": "2", "Authorization": "Bearer not-a-token-but-secret"}
            refused = client.get("/roles/abcdefghijkl", headers=headers)
            assert refused.status_code == 400
        # One more: the /healthz answer `serving` waited for.
        assert healthz_count(scraped) == sent + 1
    assert "1" not in pids

    output = server.output.splitlines()
    lines = [json.loads(line) for line in output]  # every line is JSON, uvicorn's too
    (request,) = [line for line in lines if line["logger"] == "app.requests"]
    assert request["route"] == "/roles/{publicId}" and request["status"] == 400
    assert request["request_id"] == refused.headers["X-Request-Id"]
    assert "abcdefghijkl" not in server.output and "secret" not in server.output
