"""Logging, configured once per process by the entry point (`ixon-api serve`, `ixon-api outbox`).

Production writes one JSON object a line; development writes lines for people. Records carry
structured fields in ``extra={"fields": {...}}``; every record logged while a request is being
served carries its request id.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from app.config import Settings

REQUEST_LOGGER = "app.requests"
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    request_id = getattr(record, "request_id", None)
    if request_id:
        fields["request_id"] = request_id
    fields.update(getattr(record, "fields", None) or {})
    return fields


class RequestIdFilter(logging.Filter):
    """Stamps the id of the request being served (if any) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(_fields(record))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    # The request line's message says these already.
    SAID = frozenset({"method", "route", "status", "duration_ms"})

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s  %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {k: v for k, v in _fields(record).items() if v is not None and k not in self.SAID}
        if not fields:
            return line
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        head, newline, trace = line.partition("\n")
        return f"{head}  [{extra}]{newline}{trace}"


def wants_json(settings: Settings) -> bool:
    if settings.log_format == "auto":
        return settings.environment == "production"
    return settings.log_format == "json"


def config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary; uvicorn applies it in every worker process."""
    formatter = "json" if wants_json(settings) else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"()": TextFormatter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": formatter,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "app": {"level": settings.log_level.upper()},
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            # Our request line replaces uvicorn's access line (which shows the raw path).
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def configure(settings: Settings) -> None:
    """For entry points that do not go through uvicorn (`ixon-api outbox`). A host that has set
    up logging already (a test runner, an embedding program) keeps its own."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(config(settings))
