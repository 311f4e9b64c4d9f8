from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.auth.reader import CompanyReader
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery
from app.core.schemas import Bulk, PublicIdItem, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.groups import presenters
from app.groups import service as group_service
from app.groups import types as type_service
from app.groups.schemas import (
    GroupBulkUpdate,
    GroupCreate,
    GroupOut,
    GroupRoleOut,
    GroupTypeBulkUpdate,
    GroupTypeCreate,
    GroupTypeOut,
    GroupTypeUpdate,
    GroupUpdate,
)

router = APIRouter()
GROUP, GROUP_TYPE, GROUP_ROLE = "Group", "GroupType", "GroupRole"


@router.get("/groups", tags=["GroupList"], response_model=ListEnvelope[GroupOut])
async def list_groups(session: SessionDep, auth: CompanyReader, params: ListQuery) -> JSONResponse:
    rows, more = await group_service.list_group_rows(session, auth, params)
    return envelope.present_page(GROUP, rows, more, presenters.group_row, GroupOut, params.fields)


@router.post(
    "/groups",
    tags=["GroupList"],
    status_code=201,
    response_model=Envelope[list[PublicIdOut]],
    **permission(Permission.MANAGE_GROUPS),
)
async def create_groups(
    session: SessionDep, auth: CompanyAuth, body: Bulk[GroupCreate]
) -> JSONResponse:
    groups = await group_service.create_groups(session, auth, body)
    return envelope.created_ids(GROUP, [g.public_id for g in groups])


@router.patch(
    "/groups",
    tags=["GroupList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def update_groups(
    session: SessionDep, auth: CompanyAuth, body: Bulk[GroupBulkUpdate]
) -> JSONResponse:
    await group_service.update_groups(session, auth, body)
    return envelope.success(GROUP, None)


@router.delete(
    "/groups",
    tags=["GroupList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def delete_groups(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await group_service.delete_groups(session, auth, [item.publicId for item in body])
    return envelope.success(GROUP, None)


# Declared before `/groups/{publicId}`, which would otherwise take "roles" for an id.
@router.get("/groups/roles", tags=["GroupRoleList"], response_model=ListEnvelope[GroupRoleOut])
async def list_my_group_roles(
    session: SessionDep, auth: CompanyAuth, params: ListQuery
) -> JSONResponse:
    rows, more = await group_service.list_my_group_roles(session, auth, params)
    return envelope.present_page(
        GROUP_ROLE, rows, more, presenters.group_roles, GroupRoleOut, params.fields
    )


@router.get("/groups/{publicId}", tags=["Group"], response_model=Envelope[GroupOut])
async def get_group(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    group = await group_service.get_group(session, auth, public_id, params)
    return envelope.present_one(GROUP, group, presenters.group, GroupOut, params.fields)


@router.patch(
    "/groups/{publicId}",
    tags=["Group"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def update_group(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: GroupUpdate
) -> JSONResponse:
    await group_service.update_group(session, auth, public_id, body)
    return envelope.success(GROUP, None)


@router.delete(
    "/groups/{publicId}",
    tags=["Group"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def delete_group(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await group_service.delete_groups(session, auth, [public_id], bulk=False)
    return envelope.success(GROUP, None)


@router.get("/group-types", tags=["GroupTypeList"], response_model=ListEnvelope[GroupTypeOut])
async def list_group_types(
    session: SessionDep, auth: CompanyAuth, params: ListQuery
) -> JSONResponse:
    rows, more = await type_service.list_group_types(session, auth, params)
    return envelope.present_page(
        GROUP_TYPE, rows, more, presenters.group_type, GroupTypeOut, params.fields
    )


@router.post(
    "/group-types",
    tags=["GroupTypeList"],
    status_code=201,
    response_model=Envelope[list[PublicIdOut]],
    **permission(Permission.MANAGE_GROUPS),
)
async def create_group_types(
    session: SessionDep, auth: CompanyAuth, body: Bulk[GroupTypeCreate]
) -> JSONResponse:
    created = await type_service.create_group_types(session, auth, body)
    ids = [t.public_id for t in created]
    return envelope.created_ids(GROUP_TYPE, ids)


@router.patch(
    "/group-types",
    tags=["GroupTypeList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def update_group_types(
    session: SessionDep, auth: CompanyAuth, body: Bulk[GroupTypeBulkUpdate]
) -> JSONResponse:
    await type_service.update_group_types(session, auth, body)
    return envelope.success(GROUP_TYPE, None)


@router.delete(
    "/group-types",
    tags=["GroupTypeList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def delete_group_types(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await type_service.delete_group_types(session, auth, [item.publicId for item in body])
    return envelope.success(GROUP_TYPE, None)


@router.get("/group-types/{publicId}", tags=["GroupType"], response_model=Envelope[GroupTypeOut])
async def get_group_type(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    found = await type_service.get_group_type(session, auth, public_id, params)
    return envelope.present_one(
        GROUP_TYPE, found, presenters.group_type, GroupTypeOut, params.fields
    )


@router.patch(
    "/group-types/{publicId}",
    tags=["GroupType"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def update_group_type(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: GroupTypeUpdate
) -> JSONResponse:
    await type_service.update_group_type(session, auth, public_id, body)
    return envelope.success(GROUP_TYPE, None)


@router.delete(
    "/group-types/{publicId}",
    tags=["GroupType"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_GROUPS),
)
async def delete_group_type(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await type_service.delete_group_types(session, auth, [public_id], bulk=False)
    return envelope.success(GROUP_TYPE, None)
