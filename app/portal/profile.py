"""My profile: name and language (only I can change them: an administrator cannot rename
anyone), and my e-mail address, changed through the e-mail-change flow (a link to the new
address confirms it) that `POST /users/me/email-address-changes` starts."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.email_changes import service as change_service
from app.email_changes.schemas import EmailAddressChangeCreate
from app.portal.common import settings_of
from app.portal.errors import Form, redisplays
from app.portal.forms import Fields, SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, open_visit, see_other
from app.users import service as user_service
from app.users.schemas import MyUserPatch

# The languages pages and e-mails come in (each language's own name for itself).
LANGUAGES = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français"}


def _languages(visit: Visit) -> dict[str, str]:
    """The offered languages, and the account's own if the API set another one."""
    current = visit.user.language
    return LANGUAGES if current in LANGUAGES else {**LANGUAGES, current: current}


async def profile_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    changes = await change_service.pending_of(visit.session, visit.user)
    audience = visit.audience
    return visit.page(
        "account/profile.html",
        status_code=status_code,
        current="portal_profile",
        form=form or Form(),
        languages=_languages(visit),
        changes=[
            {
                "id": c.public_id,
                "address": c.new_email_address,
                "expires": audience.format_datetime(c.expires_on),
            }
            for c in changes
        ],
    )


async def profile_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await profile_page(await open_visit(request, session), form, status_code)


def _back(visit: Visit, done: str) -> str:
    return f"{portal_path('portal_profile')}?done={done}"


@router.get("/account/profile", name="portal_profile")
async def profile(visit: SignedIn) -> HTMLResponse:
    return await profile_page(visit)


@router.post("/account/profile", name="portal_save_profile")
@redisplays(profile_again, name="name", language="language")
async def save_profile(post: SignedInPost) -> Response:
    visit = post.visit
    fields = Fields(post.values)
    name = fields.text("name")
    language = fields.choice("language", set(_languages(visit)))
    fields.done()
    patch = MyUserPatch(name=name, language=language)
    await user_service.update_me(visit.session, visit.auth, patch)
    return see_other(_back(visit, "profile-saved"))


@router.post("/account/profile/email", name="portal_change_email")
@redisplays(profile_again, newEmailAddress="new_email")
async def change_email(post: SignedInPost) -> Response:
    """Sends the confirmation link to the new address; nothing changes until it is opened."""
    visit = post.visit
    fields = Fields(post.values)
    address = fields.email("new_email")
    fields.done()
    await change_service.request_change(
        visit.session,
        settings_of(visit.request),
        visit.auth,
        visit.branding.fqdn,
        EmailAddressChangeCreate(newEmailAddress=address),
    )
    return see_other(_back(visit, "email-sent"))


@router.post("/account/profile/email/{public_id}/cancel", name="portal_cancel_email_change")
@redisplays(profile_again)
async def cancel_email_change(post: SignedInPost, public_id: str) -> Response:
    visit = post.visit
    await change_service.cancel_mine(visit.session, visit.auth, [public_id], bulk=False)
    return see_other(_back(visit, "email-cancelled"))
