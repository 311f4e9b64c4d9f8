"""The company's "Users" page (the seeds' administrator page): its members and its pending
invitations and, for those who may manage users, inviting people with a group and a role,
sending an invitation again, withdrawing it, and removing a user from the company.

The same services as `GET /users`, `GET/POST/DELETE /invites`, `POST /invites/{publicId}/resend`
and `DELETE /users/{publicId}`, with the permissions those routes declare: VIEW_USERS to see,
MANAGE_USERS to act (the services' own rules, such as the last administrator and the permission
ceiling, apply as they are). Every form names the company it was shown for; an id of another
company's user or invite is not found in this one. Withdrawing and removing ask first.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.core.querying import MAX_PAGE_SIZE, ListParams, Page, parse_fields
from app.core.schemas import Ref
from app.groups import service as group_service
from app.invites import service as invite_service
from app.invites.schemas import GroupRole, InviteCreate
from app.memberships.models import Membership
from app.portal.common import settings_of
from app.portal.errors import Form, PageError, redisplays
from app.portal.forms import PUBLIC_ID_RE, Fields, SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, open_visit, see_other
from app.roles import service as role_service
from app.users import service as user_service

PAGE_SIZE = 50
EVERYTHING = ["*"]


def _in_company(visit: Visit, permission: Permission) -> None:
    if visit.company is None:
        raise PageError(404, "no_company")
    visit.auth.assert_permission(permission)


class _Names:
    """Role and group names of the company, for the memberships the page lists."""

    def __init__(self, roles: dict[int, str], groups: dict[int, str]) -> None:
        self.roles, self.groups = roles, groups

    def grants(self, memberships: list[Membership]) -> list[tuple[str, str]]:
        return [
            (self.roles.get(m.role_id or 0, ""), self.groups.get(m.group_id, ""))
            for m in memberships
        ]


async def _lists(visit: Visit) -> dict[str, Any]:
    all_of = ListParams(page=Page(size=MAX_PAGE_SIZE))
    roles, _ = await role_service.list_roles(visit.session, visit.auth, all_of)
    groups, _ = await group_service.list_groups(visit.session, visit.auth, all_of)
    names = _Names({r.id: r.name for r in roles}, {g.id: g.name for g in groups})
    after = visit.request.query_params.get("after")
    page = Page(size=PAGE_SIZE, after=after if after and PUBLIC_ID_RE.match(after) else None)
    users, more = await user_service.list_in_company(
        visit.session, visit.auth, ListParams(fields=parse_fields(EVERYTHING), page=page)
    )
    everything = ListParams(fields=parse_fields(EVERYTHING), page=Page(size=MAX_PAGE_SIZE))
    invites, _ = await invite_service.list_invites(visit.session, visit.auth, everything)
    audience = visit.audience
    return {
        "users": [
            {
                "user": u.user,
                "grants": names.grants(u.memberships),
                "is_me": u.user.id == visit.user.id,
            }
            for u in users
        ],
        "more": more,
        "invites": [
            {
                "id": v.invite.public_id,
                "address": v.invite.email_address,
                "status": invite_service.status_of(v.invite),
                "delivery": v.delivery_state,
                "expires": audience.format_datetime(v.invite.expires_on),
                "grants": names.grants(v.memberships),
            }
            for v in invites
        ],
        "roles": roles,
        "groups": groups,
    }


async def users_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    _in_company(visit, Permission.VIEW_USERS)
    return visit.page(
        "account/users.html",
        status_code=status_code,
        current="portal_users",
        form=form or Form(),
        manage=visit.may(Permission.MANAGE_USERS),
        **await _lists(visit),
    )


async def users_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await users_page(await open_visit(request, session), form, status_code)


def _acting(post: SignedInPost) -> Visit:
    """The visit of an administrator's form: in the company it was shown for, allowed to act."""
    post.in_current_company()
    _in_company(post.visit, Permission.MANAGE_USERS)
    return post.visit


def _back(visit: Visit, done: str) -> str:
    return f"{portal_path('portal_users')}?done={done}"


@router.get("/account/users", name="portal_users")
async def users(visit: SignedIn) -> HTMLResponse:
    return await users_page(visit)


def _invite_item(post: SignedInPost) -> InviteCreate:
    fields = Fields(post.values)
    address = fields.email("invite_email")
    group = fields.public_id("invite_group")
    role = fields.public_id("invite_role")
    message = fields.text("invite_message", max_length=1024, required=False)
    fields.done()
    return InviteCreate(
        emailAddress=address,
        groupRoles=[GroupRole(group=Ref(publicId=group), role=Ref(publicId=role))],
        message=message or None,
    )


@router.post("/account/users/invite", name="portal_invite_user")
@redisplays(users_again, emailAddress="invite_email", groupRoles="invite_role")
async def invite(post: SignedInPost) -> Response:
    visit = _acting(post)
    item = _invite_item(post)
    settings = settings_of(visit.request)
    await invite_service.create_many(
        visit.session, visit.auth, settings, visit.branding.fqdn, [item]
    )
    return see_other(_back(visit, "invited"))


@router.post("/account/users/invites/{public_id}/resend", name="portal_resend_invite")
@redisplays(users_again)
async def resend(post: SignedInPost, public_id: str) -> Response:
    visit = _acting(post)
    settings = settings_of(visit.request)
    await invite_service.resend(
        visit.session, visit.auth, settings, visit.branding.fqdn, [public_id], bulk=False
    )
    return see_other(_back(visit, "resent"))


@router.get("/account/users/invites/{public_id}/revoke", name="portal_revoke_invite")
async def confirm_revoke(visit: SignedIn, public_id: str) -> HTMLResponse:
    _in_company(visit, Permission.MANAGE_USERS)
    view = await invite_service.get_invite(visit.session, visit.auth, public_id, ListParams())
    item = {"id": public_id, "address": view.invite.email_address}
    return visit.page("account/confirm.html", action="revoke", item=item)


@router.post("/account/users/invites/{public_id}/revoke")
@redisplays(users_again)
async def revoke(post: SignedInPost, public_id: str) -> Response:
    visit = _acting(post)
    await invite_service.revoke(visit.session, visit.auth, [public_id], bulk=False)
    return see_other(_back(visit, "revoked"))


@router.get("/account/users/{public_id}/remove", name="portal_remove_user")
async def confirm_remove(visit: SignedIn, public_id: str) -> HTMLResponse:
    _in_company(visit, Permission.MANAGE_USERS)
    found = await user_service.get_in_company(visit.session, visit.auth, public_id)
    user = found.user
    item = {"id": public_id, "name": user.name, "address": user.email_address or ""}
    return visit.page("account/confirm.html", action="remove", item=item)


@router.post("/account/users/{public_id}/remove")
@redisplays(users_again)
async def remove(post: SignedInPost, public_id: str) -> Response:
    visit = _acting(post)
    await user_service.remove_from_company(visit.session, visit.auth, [public_id], bulk=False)
    return see_other(_back(visit, "removed"))
