from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from app.core.schemas import OutModel


class AuditTopicOut(BaseModel):
    company: str
    user: str | None = None
    agent: str | None = None
    asset: str | None = None


class AuditRequestOut(BaseModel):
    ipAddress: str
    fromName: str | None = None
    geoLocation: dict[str, Any] | None = None


class AuditResourceOut(BaseModel):
    publicId: str
    name: str
    type: str


class AuditActorOut(BaseModel):
    type: Literal["agent", "support", "client", "webshopintegration", "scim-provisioning"]
    resource: AuditResourceOut


class AuditApplicationOut(BaseModel):
    name: str


class AuditLogOut(OutModel):
    publicId: str
    action: Literal["CREATE", "UPDATE", "DELETE", "TRIGGER"]
    topic: AuditTopicOut
    time: str
    request: AuditRequestOut
    actor: AuditActorOut
    application: AuditApplicationOut | None = None
    target: str
    before: Any = None
    after: Any = None


class AuditLogExportOut(BaseModel):
    """Ours (IXON's schema says only "an object"): the log as CSV text, newest first."""

    fileName: str
    contentType: Literal["text/csv"] = "text/csv"
    rowCount: int
    truncated: bool
    content: str
