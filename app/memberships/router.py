from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery
from app.core.schemas import Bulk, PublicIdItem, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.memberships import presenters
from app.memberships import service as membership_service
from app.memberships.schemas import (
    MembershipCreate,
    MembershipOut,
    MembershipPatch,
    MembershipPatchItem,
    MembershipSetItem,
)

router = APIRouter()
TYPE = "UserMembership"


@router.get(
    "/users/memberships",
    tags=["UserMembershipList"],
    response_model=ListEnvelope[MembershipOut],
    **permission(Permission.VIEW_USERS),
)
async def list_memberships(
    session: SessionDep, auth: CompanyAuth, params: ListQuery
) -> JSONResponse:
    rows, more = await membership_service.list_memberships(session, auth, params)
    return envelope.present_page(
        TYPE, rows, more, presenters.membership, MembershipOut, params.fields
    )


@router.post(
    "/users/memberships",
    tags=["UserMembershipList"],
    status_code=201,
    response_model=Envelope[list[PublicIdOut]],
    **permission(Permission.MANAGE_USERS),
)
async def create_memberships(
    session: SessionDep, auth: CompanyAuth, body: Bulk[MembershipCreate]
) -> JSONResponse:
    created = await membership_service.create_many(session, auth, body)
    return envelope.created_ids(TYPE, [m.public_id for m in created])


@router.patch(
    "/users/memberships",
    tags=["UserMembershipList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def update_memberships(
    session: SessionDep, auth: CompanyAuth, body: Bulk[MembershipPatchItem]
) -> JSONResponse:
    await membership_service.update(session, auth, [(item.publicId, item) for item in body])
    return envelope.success(TYPE, None)


@router.delete(
    "/users/memberships",
    tags=["UserMembershipList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def delete_memberships(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await membership_service.delete(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.put(
    "/users/memberships/user/{publicId}",
    tags=["UserMembershipUserList"],
    response_model=Envelope[list[PublicIdOut]],
    **permission(Permission.MANAGE_USERS),
)
async def replace_user_memberships(
    session: SessionDep,
    auth: CompanyAuth,
    public_id: PublicIdPath,
    body: Bulk[MembershipSetItem],
) -> JSONResponse:
    result = await membership_service.replace_for_user(session, auth, public_id, body)
    return envelope.success(TYPE, [{"publicId": m.public_id} for m in result])


@router.get(
    "/users/memberships/{publicId}",
    tags=["UserMembership"],
    response_model=Envelope[MembershipOut],
    **permission(Permission.VIEW_USERS),
)
async def get_membership(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    membership = await membership_service.get_membership(session, auth, public_id, params)
    return envelope.present_one(
        TYPE, membership, presenters.membership, MembershipOut, params.fields
    )


@router.patch(
    "/users/memberships/{publicId}",
    tags=["UserMembership"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def update_membership(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, body: MembershipPatch
) -> JSONResponse:
    await membership_service.update(session, auth, [(public_id, body)], bulk=False)
    return envelope.success(TYPE, None)


@router.delete(
    "/users/memberships/{publicId}",
    tags=["UserMembership"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def delete_membership(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await membership_service.delete(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)
