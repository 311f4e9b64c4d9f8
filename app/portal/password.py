"""My password: changed with the current one, through `POST /users/me/password`'s service.

"Sign out everywhere else" is that call's `deleteAccessTokens`: every other session and token
of the account ends. This browser's session is replaced by a new one either way, so whoever
held the old session cookie is signed out too.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.portal import sessions
from app.portal.common import settings_of
from app.portal.errors import Form, redisplays
from app.portal.forms import Fields, SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, open_visit, see_other
from app.state import client_address
from app.users import account
from app.users.schemas import PasswordChange
from app.users.service import MAX_PASSWORD, MIN_PASSWORD


async def password_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    return visit.page(
        "account/password.html",
        status_code=status_code,
        current="portal_password",
        form=form or Form(values={"sign_out": "yes"}),
        min_password=MIN_PASSWORD,
        max_password=MAX_PASSWORD,
    )


async def password_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await password_page(await open_visit(request, session), form, status_code)


def _checked(post: SignedInPost) -> PasswordChange:
    fields = Fields(post.values)
    current = post.get("current_password")
    if not current:
        fields.fail("current_password", "current_password_missing")
    new = fields.password("new_password")
    if "new_password" not in fields.errors and post.get("repeat_password") != new:
        fields.fail("repeat_password", "repeat_password_different")
    fields.done()
    if not MIN_PASSWORD <= len(current) <= MAX_PASSWORD:  # no account has such a password
        fields.fail("current_password", "current_password_wrong")
        fields.done()
    return PasswordChange(
        oldPassword=current,
        newPassword=new,
        deleteAccessTokens=post.get("sign_out") == "yes",
    )


@router.get("/account/password", name="portal_password")
async def password(visit: SignedIn) -> HTMLResponse:
    return await password_page(visit)


@router.post("/account/password", name="portal_change_password")
@redisplays(password_again, oldPassword="current_password", newPassword="new_password")
async def change_password(post: SignedInPost) -> Response:
    visit, request = post.visit, post.visit.request
    body = _checked(post)
    settings = settings_of(request)
    await account.change_password(
        visit.session,
        settings,
        request.app.state.login_limiter,
        visit.auth,
        body,
        visit.branding.fqdn,
        client_address(request),
    )
    renewed = await token_service.issue(
        visit.session,
        visit.user,
        await sessions.portal_application(visit.session),
        expires_in=settings.portal_session_ttl,
        client=sessions.client_of(request),
    )
    await token_service.delete_one(visit.session, visit.auth, visit.token.public_id)
    response = see_other(f"{portal_path('portal_password')}?done=password-changed")
    sessions.start(request, response, renewed.secret)
    return response
