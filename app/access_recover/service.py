"""Password recovery (`/access-recover*`) and the notices about an existing account.

- `POST /access-recover` answers 201 whatever the address: an unknown one gets nothing, a known
  one a `password_reset` e-mail whose link (`{portal}/portal/access-recover/{secret}`) works once,
  for an hour. Up to the answer both do the same work; the account is looked up after it.
- Requests are throttled per address and per client (`IXON_RECOVER_LIMIT_*`) in the log-in
  limiter's storage, counted the same for known and unknown addresses; registrations use the
  same throttle.
- The link secret is the Bearer of the `/access-recover/me*` calls (REFERENCE.md §10.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import repository
from app.access_recover.schemas import AccessRecoverCreate, AccessRecoverFinish
from app.access_tokens import service as token_service
from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.auth.ratelimit import LoginLimiter
from app.brandings import service as branding_service
from app.brandings.service import BrandingView
from app.config import Settings
from app.core import security
from app.core.clock import utcnow
from app.core.errors import Gone
from app.i18n.audience import Audience
from app.mail.queue import queue
from app.users import service as user_service
from app.users.models import User, normalize_email

RECOVER_TTL = timedelta(hours=1)
PAGE_PATH = "/portal/access-recover/"


async def throttle(limiter: LoginLimiter, flow: str, address: str, client: str | None) -> None:
    """429 once ``address`` or ``client`` has used its budget for ``flow`` (``recover`` or
    ``registration``; `IXON_RECOVER_LIMIT_PER_ADDRESS` and `..._PER_CLIENT`); counted whether
    or not the address has an account."""
    await limiter.spend(limiter.mail_per_address, f"{flow}-address", normalize_email(address))
    await limiter.spend(limiter.mail_per_client, f"{flow}-client", client or "unknown")


def _link(branding: BrandingView, settings: Settings, secret: str) -> str:
    return f"{branding.portal_url(settings)}{PAGE_PATH}{secret}"


@dataclass(frozen=True, slots=True)
class ResetRequest:
    """A password reset asked for and accepted, to be sent once the answer has gone."""

    address: str
    branding_fqdn: str


async def request_reset(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    branding_fqdn: str,
    body: AccessRecoverCreate,
    client: str | None,
) -> ResetRequest:
    """`POST /access-recover` up to its answer: the branding, the address and the throttle,
    the same work for every address. Whether the address has an account is looked at only
    by `send_reset`, after the answer (so its time cannot tell)."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    branding.mail(settings)  # a misconfigured branding is a 400 now, not a lost e-mail later
    address = user_service.check_email(body.emailAddress, "emailAddress")
    await throttle(limiter, "recover", address, client)
    return ResetRequest(address, branding_fqdn)


async def send_reset(session: AsyncSession, settings: Settings, request: ResetRequest) -> None:
    """The `password_reset` e-mail of an accepted request, if its address has an account."""
    user = await user_service.by_email(session, request.address)
    if user is None or user.email_address is None:
        return
    branding = await branding_service.resolve(session, settings, request.branding_fqdn)
    await _queue_with_reset_link(
        session, settings, user, user.email_address, branding, "password_reset"
    )


async def _open(session: AsyncSession, secret: str | None) -> tuple[ActionToken, User]:
    token = await links.require(session, links.ACCESS_RECOVER, secret)
    user = await repository.person_by_public_id(session, token.reference)
    if user is None or user.email_address is None:
        raise Gone("The account of this link no longer exists", "Authorization")
    return token, user


async def get_mine(session: AsyncSession, secret: str | None) -> User:
    """`GET /access-recover/me`: the account the link resets (401 unknown, 410 used/expired)."""
    _token, user = await _open(session, secret)
    return user


async def cancel_mine(session: AsyncSession, secret: str | None) -> None:
    """`DELETE /access-recover/me`: the link stops working; the password stays."""
    token, _user = await _open(session, secret)
    await links.consume(session, token)


async def finish_mine(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    secret: str | None,
    body: AccessRecoverFinish,
    branding_fqdn: str | None,
) -> User:
    """`POST /access-recover/me/finish`: sets the password, uses the link up, revokes every
    access token when asked, sends the `password_changed` notice, and lifts the account's
    failed-log-in block (someone locked out must be able to log in with the new password)."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    token, user = await _open(session, secret)
    user_service.check_password(body.newPassword, "newPassword", (user.email_address, user.name))
    await links.consume(session, token)
    user.password_hash = await security.hash_password(body.newPassword)
    if body.deleteAccessTokens:
        await token_service.revoke_all_of(session, user)
    await session.flush()
    await _notify_changed(session, settings, user, branding)
    if user.email_normalized is not None:
        await limiter.release(user.email_normalized)
    return user


async def notify_password_changed(
    session: AsyncSession, settings: Settings, user: User, branding_fqdn: str | None
) -> None:
    """Queues the `password_changed` notice to the account's address (in the caller's
    transaction; nothing for an account without one). ``branding_fqdn`` is the `Api-Branding`
    value (None: the default branding); an unknown domain is a 400 naming Api-Branding."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    await _notify_changed(session, settings, user, branding)


async def _notify_changed(
    session: AsyncSession, settings: Settings, user: User, branding: BrandingView
) -> None:
    if user.email_address is None:
        return
    await queue(
        session,
        "password_changed",
        to=user.email_address,
        context={"name": user.name, "changed_on": utcnow()},
        branding=branding.mail(settings),
        reference=user.public_id,
        audience=Audience.of(user),
    )


async def notify_account_exists(
    session: AsyncSession, settings: Settings, user: User, branding: BrandingView
) -> None:
    """Someone tried to register ``user``'s address again: tell the owner, with a fresh
    password-reset link (the same kind of link `POST /access-recover` sends)."""
    if user.email_address is None:
        return
    await _queue_with_reset_link(
        session, settings, user, user.email_address, branding, "account_exists"
    )


async def _queue_with_reset_link(
    session: AsyncSession,
    settings: Settings,
    user: User,
    to: str,
    branding: BrandingView,
    kind: str,
) -> None:
    """``kind`` to ``user``, carrying a fresh password-reset link (earlier ones stop working)."""
    expires = utcnow() + RECOVER_TTL
    secret = await links.issue(session, links.ACCESS_RECOVER, user.public_id, expires)
    await queue(
        session,
        kind,
        to=to,
        context={
            "link": _link(branding, settings, secret),
            "expires_on": expires,
            "name": user.name,
        },
        branding=branding.mail(settings),
        reference=user.public_id,
        audience=Audience.of(user),
    )


async def notify_address_in_use(
    session: AsyncSession, settings: Settings, owner: User, branding: BrandingView
) -> None:
    """Someone asked to move another account to ``owner``'s address: tell the owner that
    nothing changed (the requester is not told that the address is taken)."""
    if owner.email_address is None:
        return
    await queue(
        session,
        "address_in_use",
        to=owner.email_address,
        context={"address": owner.email_address, "name": owner.name},
        branding=branding.mail(settings),
        reference=owner.public_id,
        audience=Audience.of(owner),
    )


async def revoke_links(session: AsyncSession, user: User) -> None:
    """Unused recovery links of ``user`` stop working (their address has just changed)."""
    await links.revoke(session, links.ACCESS_RECOVER, user.public_id)
