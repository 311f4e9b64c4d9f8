"""`GET /audit-logs` and `GET /audit-logs-export` (IXON declares `filters` only, no
`fields`: every event is answered whole)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from app.audit import presenters
from app.audit import service as audit_service
from app.audit.schemas import AuditLogExportOut, AuditLogOut
from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import FiltersQuery, ListParams, list_params
from app.db.session import SessionDep

router = APIRouter()


async def audit_params(
    filters: FiltersQuery = None,
    page_size: Annotated[
        int | None, Query(alias="page-size", ge=1, description="1 or more; at most 4000.")
    ] = None,
    page_after: Annotated[
        str | None, Query(alias="page-after", description="The moreAfter of the previous page.")
    ] = None,
) -> ListParams:
    return await list_params(None, filters, page_size, page_after)


AuditQuery = Annotated[ListParams, Depends(audit_params)]


@router.get(
    "/audit-logs",
    tags=["AuditLogList"],
    response_model=ListEnvelope[AuditLogOut],
    summary="The company's audit log, newest first",
    **permission(Permission.VIEW_AUDIT_LOGS),
)
async def list_audit_logs(
    session: SessionDep, auth: CompanyAuth, params: AuditQuery
) -> JSONResponse:
    """Filters: `time`, `action`, `target`, `target.publicId`, `actor` (the actor's publicId),
    `actor.type`, `actor.resource.publicId|name|type`, `topic.user`, `request.ipAddress`,
    `application.name`, `publicId`."""
    rows, more = await audit_service.list_events(session, auth, params)
    return envelope.listing("AuditLog", [presenters.audit_log(r) for r in rows], more)


@router.get(
    "/audit-logs-export",
    tags=["AuditLogExport"],
    response_model=Envelope[AuditLogExportOut],
    summary="The company's audit log as CSV (the same filters)",
    **permission(Permission.VIEW_AUDIT_LOGS),
)
async def export_audit_logs(
    session: SessionDep, auth: CompanyAuth, params: AuditQuery
) -> JSONResponse:
    found = await audit_service.export(session, auth, params)
    data = {
        "fileName": found.file_name,
        "contentType": "text/csv",
        "rowCount": len(found.events),
        "truncated": found.truncated,
        "content": presenters.csv_text(found.events),
    }
    return envelope.success("AuditLogExport", data)
