"""Invites (REFERENCE.md §9.8) and `POST /users` (a new person's account, made from an invite).

The `/invites/me` family and `POST /users` take no access token: the invitation e-mail's link
secret is sent as `Authorization: Bearer <secret>` (REFERENCE.md §10.2).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from app.auth import headers
from app.auth.dependencies import ApplicationDep, Auth, CompanyAuth, bearer_secret, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.errors import Unauthorized
from app.core.querying import FieldsOnly, ListQuery, SingleQuery
from app.core.schemas import Bulk, PublicIdItem, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.invites import link_flows, presenters
from app.invites import service as invite_service
from app.invites.schemas import (
    AccountCreate,
    InviteCreate,
    InviteFinish,
    InviteOut,
    InviteResponseOut,
    MyInviteOut,
    MyUserInviteOut,
)
from app.state import SettingsDep

router = APIRouter()
TYPE = "Invite"

link_scheme = HTTPBearer(
    scheme_name="inviteLink",
    auto_error=False,
    description="The secret of the invitation e-mail's link (the last part of its URL).",
)


async def _link_secret(
    request: Request,
    _application: ApplicationDep,
    _scheme: Annotated[object, Depends(link_scheme)] = None,
) -> str:
    """The link secret, refused when missing before the query or body is read: the document
    requires the header, so its absence answers 401 whatever else is wrong."""
    secret = bearer_secret(request)
    if not secret:
        raise Unauthorized(link_flows.NO_LINK_MESSAGE, "Authorization")
    return secret


LinkSecret = Annotated[str, Depends(_link_secret)]
Branding = Annotated[str, Depends(headers.branding_required)]


@router.post(
    "/invites",
    tags=["InviteList"],
    status_code=201,
    response_model=Envelope[InviteResponseOut],
    **permission(Permission.MANAGE_USERS),
)
async def create_invites(
    session: SessionDep,
    auth: CompanyAuth,
    settings: SettingsDep,
    branding: Branding,
    body: Bulk[InviteCreate],
) -> JSONResponse:
    """Invites each address with its memberships and e-mails the link (branded by
    Api-Branding). All or nothing. Always answers IXON's `InviteResponse` object."""
    created = await invite_service.create_many(session, auth, settings, branding, body)
    return envelope.created(
        "InviteResponse",
        {
            "invites": [{"publicId": i.public_id} for i in created.invites],
            "userMemberships": [{"publicId": m.public_id} for m in created.memberships],
        },
    )


@router.get(
    "/invites",
    tags=["InviteList"],
    response_model=ListEnvelope[InviteOut],
    **permission(Permission.VIEW_USERS),
)
async def list_invites(session: SessionDep, auth: CompanyAuth, params: ListQuery) -> JSONResponse:
    """Pending (and expired) invites; others with a filter on `status`."""
    views, more = await invite_service.list_invites(session, auth, params)
    return envelope.present_page(TYPE, views, more, presenters.invite, InviteOut, params.fields)


@router.delete(
    "/invites",
    tags=["InviteList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def revoke_invites(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    """Withdraws the invites: their links stop working. All or nothing."""
    await invite_service.revoke(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.post(
    "/invites/resend",
    tags=["InviteResendList"],
    status_code=201,
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def resend_invites(
    session: SessionDep,
    auth: CompanyAuth,
    settings: SettingsDep,
    branding: Branding,
    body: Bulk[PublicIdItem],
) -> JSONResponse:
    """E-mails each invite again with a new link and a new expiry. All or nothing."""
    public_ids = [item.publicId for item in body]
    await invite_service.resend(session, auth, settings, branding, public_ids)
    return envelope.created(TYPE, None)


@router.get("/invites/me", tags=["MyInvite"], response_model=Envelope[MyInviteOut])
async def get_my_invite(
    session: SessionDep, settings: SettingsDep, secret: LinkSecret, params: FieldsOnly
) -> JSONResponse:
    """The invite the link names (`Authorization: Bearer <link secret>`); changes nothing."""
    view = await invite_service.my_invite(session, secret)
    present = partial(presenters.my_invite, default_branding=settings.default_branding)
    return envelope.present_one(TYPE, view, present, MyInviteOut, params.fields)


@router.delete("/invites/me", tags=["MyInvite"], response_model=Envelope[None])
async def decline_my_invite(session: SessionDep, secret: LinkSecret) -> JSONResponse:
    """Declines the invite; the link is used up."""
    await invite_service.decline_by_link(session, secret)
    return envelope.success(TYPE, None)


@router.post(
    "/invites/me/finish", tags=["MyInviteFinish"], status_code=201, response_model=Envelope[None]
)
async def finish_my_invite(
    session: SessionDep, secret: LinkSecret, body: InviteFinish | None = None
) -> JSONResponse:
    """Accepts for the existing account of the invited address. Without an account: 409,
    create it with `POST /users`."""
    await invite_service.finish_by_link(session, secret)
    return envelope.created(TYPE, None)


@router.post(
    "/users",
    tags=["UserList"],
    status_code=201,
    response_model=Envelope[PublicIdOut],
)
async def create_user(session: SessionDep, secret: LinkSecret, body: AccountCreate) -> JSONResponse:
    """A new person's account, from an invite: `Authorization: Bearer <link secret>`. The
    e-mail address is the invite's; the invite is accepted with it."""
    user = await invite_service.create_account(session, secret, body)
    return envelope.created("User", {"publicId": user.public_id})


@router.get(
    "/invites/{publicId}",
    tags=["Invite"],
    response_model=Envelope[InviteOut],
    **permission(Permission.VIEW_USERS),
)
async def get_invite(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    view = await invite_service.get_invite(session, auth, public_id, params)
    return envelope.present_one(TYPE, view, presenters.invite, InviteOut, params.fields)


@router.delete(
    "/invites/{publicId}",
    tags=["Invite"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def revoke_invite(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await invite_service.revoke(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)


@router.post(
    "/invites/{publicId}/resend",
    tags=["InviteResend"],
    status_code=201,
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def resend_invite(
    session: SessionDep,
    auth: CompanyAuth,
    settings: SettingsDep,
    branding: Branding,
    public_id: PublicIdPath,
) -> JSONResponse:
    await invite_service.resend(session, auth, settings, branding, [public_id], bulk=False)
    return envelope.created(TYPE, None)


@router.post(
    "/invites/{publicId}/finish",
    tags=["InviteFinish"],
    status_code=201,
    response_model=Envelope[None],
)
async def finish_invite(
    session: SessionDep, auth: Auth, public_id: PublicIdPath, body: InviteFinish | None = None
) -> JSONResponse:
    """The logged-in user accepts an invite addressed to their own e-mail address."""
    await invite_service.finish_as_user(session, auth, public_id)
    return envelope.created(TYPE, None)


@router.get(
    "/users/me/invites", tags=["MyUserInviteList"], response_model=ListEnvelope[MyUserInviteOut]
)
async def list_my_invites(
    session: SessionDep, settings: SettingsDep, auth: Auth, params: ListQuery
) -> JSONResponse:
    """Open invites addressed to the caller's e-mail address, in any company."""
    views, more = await invite_service.list_for_user(session, auth, params)
    present = partial(presenters.user_invite, default_branding=settings.default_branding)
    return envelope.present_page(TYPE, views, more, present, MyUserInviteOut, params.fields)


@router.delete("/users/me/invites", tags=["MyUserInviteList"], response_model=Envelope[None])
async def decline_my_invites(
    session: SessionDep, auth: Auth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await invite_service.decline_for_user(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.get(
    "/users/me/invites/{publicId}", tags=["MyUserInvite"], response_model=Envelope[MyUserInviteOut]
)
async def get_my_user_invite(
    session: SessionDep,
    settings: SettingsDep,
    auth: Auth,
    public_id: PublicIdPath,
    params: SingleQuery,
) -> JSONResponse:
    view = await invite_service.get_for_user(session, auth, public_id, params)
    present = partial(presenters.user_invite, default_branding=settings.default_branding)
    return envelope.present_one(TYPE, view, present, MyUserInviteOut, params.fields)


@router.delete("/users/me/invites/{publicId}", tags=["MyUserInvite"], response_model=Envelope[None])
async def decline_my_user_invite(
    session: SessionDep, auth: Auth, public_id: PublicIdPath
) -> JSONResponse:
    await invite_service.decline_for_user(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)
