"""The company's audit log: newest first, filtered, paged by keyset; its CSV export; the
retention purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.context import AuthContext
from app.core.clock import utcnow
from app.core.errors import BadRequest
from app.core.querying import FilterColumn, ListParams

EXPORT_LIMIT = 10_000

FILTERS = {
    "publicId": FilterColumn(AuditEvent.public_id),
    "time": FilterColumn(AuditEvent.time, datetime),
    "action": FilterColumn(AuditEvent.action, normalize=str.upper),
    "target": FilterColumn(AuditEvent.target),
    "target.publicId": FilterColumn(AuditEvent.target_id),
    "actor": FilterColumn(AuditEvent.actor_id),
    "actor.type": FilterColumn(AuditEvent.actor_type),
    "actor.resource.publicId": FilterColumn(AuditEvent.actor_id),
    "actor.resource.name": FilterColumn(AuditEvent.actor_name),
    "actor.resource.type": FilterColumn(AuditEvent.actor_kind),
    "topic.user": FilterColumn(AuditEvent.topic_user),
    "request.ipAddress": FilterColumn(AuditEvent.ip_address),
    "application.name": FilterColumn(AuditEvent.application_name),
}


def _of_company(auth: AuthContext, params: ListParams) -> Select[AuditEvent]:
    company = auth.company_or_raise.public_id
    return select(AuditEvent).where(AuditEvent.company == company, *params.where(FILTERS))


async def list_events(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[AuditEvent], str | None]:
    """Newest first; ``page-after`` is the publicId of the last event of the previous page,
    looked up inside the same company-scoped statement (another company's id matches nothing)."""
    stmt = _of_company(auth, params)
    query = stmt
    if params.page.after is not None:
        cursor = (
            stmt.with_only_columns(AuditEvent.id)
            .where(AuditEvent.public_id == params.page.after)
            .scalar_subquery()
        )
        query = stmt.where(AuditEvent.id < cursor)
    query = query.order_by(AuditEvent.id.desc()).limit(params.page.size + 1)
    rows = list(await session.scalars(query))
    if params.page.after is not None and not rows:
        known = await session.scalar(
            stmt.with_only_columns(AuditEvent.id).where(AuditEvent.public_id == params.page.after)
        )
        if known is None:
            raise BadRequest(
                "page-after names no item of this list; start again without it", "page-after"
            )
    more = len(rows) > params.page.size
    rows = rows[: params.page.size]
    return rows, rows[-1].public_id if more and rows else None


@dataclass(frozen=True, slots=True)
class Export:
    file_name: str
    events: list[AuditEvent]
    truncated: bool


async def export(session: AsyncSession, auth: AuthContext, params: ListParams) -> Export:
    """The filtered log, newest first, at most ``EXPORT_LIMIT`` events (narrow it with a
    ``time`` filter for more)."""
    stmt = _of_company(auth, params).order_by(AuditEvent.id.desc()).limit(EXPORT_LIMIT + 1)
    events = list(await session.scalars(stmt))
    name = f"audit-log-{auth.company_or_raise.public_id}-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Export(name, events[:EXPORT_LIMIT], len(events) > EXPORT_LIMIT)


async def purge(session: AsyncSession, retention_days: int) -> int:
    """Deletes the events older than the retention period; returns how many."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = await session.execute(delete(AuditEvent).where(AuditEvent.time < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
