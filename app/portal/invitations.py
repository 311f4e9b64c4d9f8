"""My invitations: the open invites addressed to my e-mail address, to accept or decline.

The same services as `POST /invites/{publicId}/finish` and `DELETE /users/me/invites/{publicId}`:
anyone else's invite is not found. Declining asks first (a GET that shows, a POST that acts).
After accepting, the pages act in the company joined.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.querying import MAX_PAGE_SIZE, ListParams, Page, parse_fields
from app.i18n.audience import Audience
from app.invites import service as invite_service
from app.invites.models import PENDING
from app.invites.service import InviteView
from app.portal.errors import Form, PageError, redisplays
from app.portal.forms import SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, choose_company, open_visit, see_other

EVERYTHING = ["*"]


async def invitations_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    params = ListParams(fields=parse_fields(EVERYTHING), page=Page(size=MAX_PAGE_SIZE))
    views, _ = await invite_service.list_for_user(visit.session, visit.auth, params)
    return visit.page(
        "account/invitations.html",
        status_code=status_code,
        current="portal_invitations",
        form=form or Form(),
        invitations=[_shown(v, visit.audience) for v in views],
    )


def _shown(view: InviteView, audience: Audience) -> dict[str, object]:
    assert view.company is not None
    return {
        "id": view.invite.public_id,
        "company": view.company.name,
        "message": view.invite.message,
        "expires": audience.format_datetime(view.invite.expires_on),
        "grants": [(m.role.name if m.role else "", m.group.name) for m in view.memberships],
    }


async def invitations_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await invitations_page(await open_visit(request, session), form, status_code)


async def _one(visit: Visit, public_id: str) -> InviteView:
    params = ListParams(fields=parse_fields(EVERYTHING))
    return await invite_service.get_for_user(visit.session, visit.auth, public_id, params)


def _back(visit: Visit, done: str) -> str:
    return f"{portal_path('portal_invitations')}?done={done}"


@router.get("/account/invitations", name="portal_invitations")
async def invitations(visit: SignedIn) -> HTMLResponse:
    return await invitations_page(visit)


@router.post("/account/invitations/{public_id}/accept", name="portal_accept_invitation")
@redisplays(invitations_again)
async def accept(post: SignedInPost, public_id: str) -> Response:
    visit = post.visit
    view = await _one(visit, public_id)
    await invite_service.finish_as_user(visit.session, visit.auth, public_id)
    assert view.company is not None
    response = see_other(_back(visit, "joined"))
    choose_company(visit.request, response, view.company.public_id)
    return response


@router.get("/account/invitations/{public_id}/decline", name="portal_decline_invitation")
async def confirm_decline(visit: SignedIn, public_id: str) -> HTMLResponse:
    view = await _one(visit, public_id)
    if invite_service.status_of(view.invite) != PENDING:
        raise PageError(409, "invitation_closed")
    return visit.page("account/confirm.html", action="decline", item=_shown(view, visit.audience))


@router.post("/account/invitations/{public_id}/decline")
@redisplays(invitations_again)
async def decline(post: SignedInPost, public_id: str) -> Response:
    visit = post.visit
    await invite_service.decline_for_user(visit.session, visit.auth, [public_id], bulk=False)
    return see_other(_back(visit, "declined"))
