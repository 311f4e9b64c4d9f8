"""Prometheus metrics at `/metrics`.

Request counts and latencies are counted by the middleware, labelled with the route's path
template (never the raw path: ids would make a series per object). With several worker
processes, prometheus-client's multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`, which
`ixon-api serve --workers N` sets up) sums every worker's counts in each scrape.

The outbox figures are read from the `outbox_messages` table at scrape time: the mail worker
(app/mail) has no counting hook, and the table is the truth shared by every process anyway.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.clock import utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.observability import metrics_access

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LOGIN_ROUTE = ("POST", "/access-tokens")
LABELS = ("method", "route", "status")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower())


class HttpMetrics:
    """The counters the middleware updates; one set per app (tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "ixon_http_requests",
            "HTTP requests answered, by method, route template and status.",
            LABELS,
            registry=self.registry,
        )
        self.duration = Histogram(
            "ixon_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            LABELS,
            registry=self.registry,
        )
        self.login_failures = Counter(
            "ixon_login_failures",
            "Refused log-ins: POST /access-tokens answered 401.",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.duration.labels(*labels).observe(seconds)
        if (method, route) == LOGIN_ROUTE and status == 401:
            self.login_failures.inc()


@dataclass(frozen=True, slots=True)
class OutboxFigures:
    by_status: dict[str, int]
    oldest_queued: datetime | None


async def outbox_figures(sessionmaker: async_sessionmaker[AsyncSession]) -> OutboxFigures:
    m = OutboxMessage
    async with sessionmaker() as session:
        rows = await session.execute(select(m.status, func.count()).group_by(m.status))
        by_status = {str(status): int(count) for status, count in rows}
        oldest = await session.scalar(
            select(func.min(m.created_on)).where(m.status == OutboxStatus.QUEUED)
        )
    return OutboxFigures(by_status, oldest)


class _Snapshot(Collector):
    """Figures read from the database for this scrape."""

    def __init__(self, figures: OutboxFigures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "ixon_database_up",
            "1 when the database answered this scrape's queries.",
            value=0 if self.figures is None else 1,
        )
        if self.figures is None:
            return
        counts = self.figures.by_status
        yield GaugeMetricFamily(
            "ixon_outbox_depth",
            "E-mails waiting in the outbox (first attempt or retry).",
            value=counts.get(OutboxStatus.QUEUED, 0),
        )
        oldest = self.figures.oldest_queued
        age = 0.0 if oldest is None else max(0.0, (utcnow() - _aware(oldest)).total_seconds())
        yield GaugeMetricFamily(
            "ixon_outbox_oldest_age_seconds",
            "Age of the oldest e-mail still waiting in the outbox (0 when empty).",
            value=age,
        )
        yield CounterMetricFamily(
            "ixon_mail_sent",
            "E-mails sent (rows of the outbox in state sent).",
            value=counts.get(OutboxStatus.SENT, 0),
        )
        yield CounterMetricFamily(
            "ixon_mail_failed",
            "E-mails given up after their last attempt (rows of the outbox in state dead).",
            value=counts.get(OutboxStatus.DEAD, 0),
        )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _process_registry(metrics: HttpMetrics) -> CollectorRegistry:
    if multiprocess_dir() is None:
        return metrics.registry
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def exposition(metrics: HttpMetrics, figures: OutboxFigures | None) -> bytes:
    snapshot = CollectorRegistry()
    snapshot.register(_Snapshot(figures))
    return generate_latest(_process_registry(metrics)) + generate_latest(snapshot)


async def scrape(request: Request) -> Response:
    app: FastAPI = request.app
    metrics_access.check(request, app.state.settings)
    timeout = app.state.settings.health_timeout
    figures: OutboxFigures | None
    try:
        async with asyncio.timeout(timeout):
            figures = await outbox_figures(app.state.sessionmaker)
    except Exception as exc:
        logger.warning("metrics: the database did not answer: %s", type(exc).__name__)
        figures = None
    return Response(exposition(app.state.http_metrics, figures), media_type=CONTENT_TYPE_LATEST)


def clear_multiprocess_dir(path: str) -> None:
    """Stale files of an earlier run would be added to this run's counts."""
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))
