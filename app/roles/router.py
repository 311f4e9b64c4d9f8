from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.auth.reader import CompanyReader
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import FieldsOnly, ListQuery
from app.core.schemas import Bulk, PublicIdItem, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.roles import presenters
from app.roles import service as role_service
from app.roles.schemas import PermissionSet, RoleBulkUpdate, RoleCreate, RoleOut, RoleUpdate

router = APIRouter()
TYPE = "Role"
PERMISSION_TYPE = "RolePermission"

RoleIdPath = Annotated[str, Path(alias="parentId", description="The role's publicId.")]
PermissionIdPath = Annotated[str, Path(alias="publicId", description="The permission id.")]


@router.get("/roles", tags=["RoleList"], response_model=ListEnvelope[RoleOut])
async def list_roles(session: SessionDep, auth: CompanyReader, params: ListQuery) -> JSONResponse:
    rows, permissions, more = await role_service.list_role_rows(session, auth, params)

    def present(row: Any) -> dict[str, Any]:
        return presenters.role_row(row, None if permissions is None else permissions[row.id])

    return envelope.present_page(TYPE, rows, more, present, RoleOut, params.fields)


@router.post(
    "/roles",
    tags=["RoleList"],
    status_code=201,
    response_model=Envelope[list[PublicIdOut]],
    **permission(Permission.MANAGE_ROLES),
)
async def create_roles(
    session: SessionDep, auth: CompanyAuth, body: Bulk[RoleCreate]
) -> JSONResponse:
    roles = await role_service.create_roles(session, auth, body)
    return envelope.created_ids(TYPE, [r.public_id for r in roles])


@router.patch(
    "/roles",
    tags=["RoleList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_ROLES),
)
async def update_roles(
    session: SessionDep, auth: CompanyAuth, body: Bulk[RoleBulkUpdate]
) -> JSONResponse:
    await role_service.update_roles(session, auth, body)
    return envelope.success(TYPE, None)


@router.delete(
    "/roles",
    tags=["RoleList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_ROLES),
)
async def delete_roles(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await role_service.delete_roles(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.get("/roles/{publicId}", tags=["Role"], response_model=Envelope[RoleOut])
async def get_role(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: FieldsOnly
) -> JSONResponse:
    role = await role_service.get_role(session, auth, public_id)
    return envelope.present_one(TYPE, role, presenters.role, RoleOut, params.fields)


@router.patch(
    "/roles/{publicId}",
    tags=["Role"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_ROLES),
)
async def update_role(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: RoleUpdate
) -> JSONResponse:
    await role_service.update_role(session, auth, public_id, body)
    return envelope.success(TYPE, None)


@router.delete(
    "/roles/{publicId}",
    tags=["Role"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_ROLES),
)
async def delete_role(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await role_service.delete_roles(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)


@router.post(
    "/roles/{publicId}/permissions",
    tags=["RolePermissionList"],
    status_code=201,
    response_model=Envelope[None],
    summary="Add permissions to a role",
    **permission(Permission.MANAGE_ROLES),
)
async def add_role_permissions(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await role_service.add_permissions(session, auth, public_id, body)
    return envelope.created(PERMISSION_TYPE, None)


@router.put(
    "/roles/{publicId}/permissions",
    tags=["RolePermissionList"],
    response_model=Envelope[None],
    summary="Give a role exactly these permissions",
    **permission(Permission.MANAGE_ROLES),
)
async def replace_role_permissions(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: PermissionSet
) -> JSONResponse:
    await role_service.replace_permissions(session, auth, public_id, body)
    return envelope.success(PERMISSION_TYPE, None)


@router.delete(
    "/roles/{publicId}/permissions",
    tags=["RolePermissionList"],
    response_model=Envelope[None],
    summary="Remove permissions from a role",
    **permission(Permission.MANAGE_ROLES),
)
async def remove_role_permissions(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await role_service.remove_permissions(session, auth, public_id, body)
    return envelope.success(PERMISSION_TYPE, None)


@router.delete(
    "/roles/{parentId}/permissions/{publicId}",
    tags=["RolePermission"],
    response_model=Envelope[None],
    summary="Remove one permission from a role",
    **permission(Permission.MANAGE_ROLES),
)
async def remove_role_permission(
    session: SessionDep,
    auth: CompanyAuth,
    role_id: RoleIdPath,
    permission_id: PermissionIdPath,
) -> JSONResponse:
    await role_service.remove_permission(session, auth, role_id, permission_id)
    return envelope.success(PERMISSION_TYPE, None)
