from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery
from app.core.schemas import PublicIdPath
from app.db.session import SessionDep
from app.groups import presenters
from app.groups import service as group_service
from app.groups.schemas import GroupOut, GroupTypeOut

router = APIRouter()


@router.get("/groups", tags=["GroupList"], response_model=ListEnvelope[GroupOut])
async def list_groups(session: SessionDep, auth: CompanyAuth, params: ListQuery) -> JSONResponse:
    rows, more = await group_service.list_groups(session, auth, params)
    return envelope.present_page("Group", rows, more, presenters.group, GroupOut, params.fields)


@router.get("/groups/{publicId}", tags=["Group"], response_model=Envelope[GroupOut])
async def get_group(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    group = await group_service.get_group(session, auth, public_id, params)
    return envelope.present_one("Group", group, presenters.group, GroupOut, params.fields)


@router.get("/group-types", tags=["GroupTypeList"], response_model=ListEnvelope[GroupTypeOut])
async def list_group_types(
    session: SessionDep, auth: CompanyAuth, params: ListQuery
) -> JSONResponse:
    rows, more = await group_service.list_group_types(session, auth, params)
    return envelope.present_page(
        "GroupType", rows, more, presenters.group_type, GroupTypeOut, params.fields
    )


@router.get("/group-types/{publicId}", tags=["GroupType"], response_model=Envelope[GroupTypeOut])
async def get_group_type(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    found = await group_service.get_group_type(session, auth, public_id, params)
    return envelope.present_one(
        "GroupType", found, presenters.group_type, GroupTypeOut, params.fields
    )
