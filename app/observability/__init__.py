"""What operators watch: health and readiness probes, Prometheus metrics, request logs."""

from __future__ import annotations

from fastapi import FastAPI

from app.config import Settings
from app.observability import health, metrics
from app.observability.middleware import ObservabilityMiddleware


def install(app: FastAPI, settings: Settings) -> None:
    """Call before `handlers.install`: the request-id middleware must wrap this one."""
    http_metrics = metrics.HttpMetrics() if settings.metrics_enabled else None
    app.state.http_metrics = http_metrics
    app.add_middleware(ObservabilityMiddleware, metrics=http_metrics)
    app.include_router(health.router)
    if http_metrics is not None:
        app.add_api_route("/metrics", metrics.scrape, methods=["GET"], include_in_schema=False)
