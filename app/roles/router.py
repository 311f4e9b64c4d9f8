from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import FieldsOnly, ListFieldsQuery
from app.core.schemas import PublicIdPath
from app.db.session import SessionDep
from app.roles import presenters
from app.roles import service as role_service
from app.roles.schemas import RoleOut

router = APIRouter()
TYPE = "Role"


@router.get("/roles", tags=["RoleList"], response_model=ListEnvelope[RoleOut])
async def list_roles(
    session: SessionDep, auth: CompanyAuth, params: ListFieldsQuery
) -> JSONResponse:
    rows, more = await role_service.list_roles(session, auth, params)
    return envelope.present_page(TYPE, rows, more, presenters.role, RoleOut, params.fields)


@router.get("/roles/{publicId}", tags=["Role"], response_model=Envelope[RoleOut])
async def get_role(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: FieldsOnly
) -> JSONResponse:
    role = await role_service.get_role(session, auth, public_id)
    return envelope.present_one(TYPE, role, presenters.role, RoleOut, params.fields)
