"""Audit events as IXON's AuditLog shows them, and as the rows of the CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from app.audit.models import AuditEvent
from app.core.clock import iso


def audit_log(event: AuditEvent) -> dict[str, Any]:
    return {
        "publicId": event.public_id,
        "action": event.action,
        "topic": {"company": event.company, "user": event.topic_user, "agent": None, "asset": None},
        "time": iso(event.time),
        "request": {"ipAddress": event.ip_address, "fromName": None, "geoLocation": None},
        "actor": {
            "type": event.actor_type,
            "resource": {
                "publicId": event.actor_id,
                "name": event.actor_name,
                "type": event.actor_kind,
            },
        },
        "application": (
            {"name": event.application_name} if event.application_name is not None else None
        ),
        "target": event.target,
        "before": event.before,
        "after": event.after,
    }


CSV_COLUMNS = (
    "publicId",
    "time",
    "action",
    "target",
    "company",
    "user",
    "actorType",
    "actorPublicId",
    "actorName",
    "actorResourceType",
    "application",
    "ipAddress",
    "before",
    "after",
)


def _cell(value: Any) -> str:
    """Text a spreadsheet will not run as a formula (names and values are user input)."""
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(events: list[AuditEvent]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        row = (e.public_id, iso(e.time), e.action, e.target, e.company, e.topic_user,
               e.actor_type, e.actor_id, e.actor_name, e.actor_kind, e.application_name,
               e.ip_address, e.before, e.after)  # fmt: skip
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
