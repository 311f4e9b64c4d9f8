"""Self-registration: a pending registration, confirmed from its e-mail, becomes an account
and a company whose administrator it is.

- The confirmation link (`{portal}/portal/registrations/{secret}`) works once, for
  `REGISTRATION_TTL` (24 hours: a pending registration holds a password hash for an address
  nobody has confirmed yet, so it should not wait for a week like an invite).
- An address that already has an account gets the same answer (201, null) but an
  `account_exists` e-mail with a password-reset link instead of a confirmation; the password is
  hashed either way, so the two paths cost about the same.
- The link secret is the Bearer of the `/registrations/me*` calls (REFERENCE.md §10.2).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import service as recover_service
from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.auth.ratelimit import LoginLimiter
from app.brandings import service as branding_service
from app.companies import service as company_service
from app.companies.models import Company
from app.companies.schemas import CompanyCreate
from app.config import Settings
from app.core import ids, security
from app.core.clock import utcnow
from app.core.errors import Conflict, Gone
from app.i18n.audience import Audience
from app.i18n.negotiation import choose
from app.mail.queue import queue
from app.registrations.models import CANCELLED, FINISHED, PENDING, Registration
from app.registrations.repository import RegistrationRepository
from app.registrations.schemas import RegistrationCreate
from app.users import service as user_service
from app.users.models import normalize_email

REGISTRATION_TTL = timedelta(hours=24)
PAGE_PATH = "/portal/registrations/"
ACCOUNT_EXISTS = "An account with this e-mail address exists already"


async def register(
    session: AsyncSession,
    settings: Settings,
    limiter: LoginLimiter,
    branding_fqdn: str,
    body: RegistrationCreate,
    client: str | None,
) -> None:
    """`POST /registrations`: the same answer whether or not the address has an account.

    The password is hashed on both paths, after the rows are written: on SQLite a transaction
    that has read must start writing before a slow step, or a commit elsewhere in between
    makes its first write fail ("database is locked")."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    address = user_service.check_email(body.emailAddress, "emailAddress")
    await recover_service.throttle(limiter, "registration", address, client)
    existing = await user_service.by_email(session, address)
    if existing is not None:
        await recover_service.notify_account_exists(session, settings, existing, branding)
        await security.hash_password(body.password)  # the same cost as a registration
        return
    public_id = ids.company_id()
    expires = utcnow() + REGISTRATION_TTL
    secret = await links.issue(session, links.REGISTRATION, public_id, expires)
    mail = branding.mail(settings)
    await queue(
        session,
        "registration_confirmation",
        to=address,
        context={
            "link": f"{mail.portal_url}{PAGE_PATH}{secret}",
            "expires_on": expires,
            "name": body.name,
        },
        branding=mail,
        reference=public_id,
        audience=Audience(choose(body.language), body.localisation, body.timeZone),
    )
    await RegistrationRepository(session).add(
        Registration(
            public_id=public_id,
            company_name=body.companyName,
            name=body.name,
            email_address=address,
            email_normalized=normalize_email(address),
            password_hash=await security.hash_password(body.password),
            language=body.language or "en",
            localisation=body.localisation,
            time_zone=body.timeZone,
            branding=branding.fqdn,
            expires_on=expires,
        )
    )


async def _open(session: AsyncSession, secret: str | None) -> tuple[ActionToken, Registration]:
    token = await links.require(session, links.REGISTRATION, secret)
    registration = await RegistrationRepository(session).by_public_id(token.reference)
    if registration is None or registration.status != PENDING:
        raise Gone("This registration has been completed or cancelled already", "Authorization")
    return token, registration


async def get_mine(session: AsyncSession, secret: str | None) -> Registration:
    """`GET /registrations/me` (401 unknown link, 410 used or expired)."""
    _token, registration = await _open(session, secret)
    return registration


async def cancel_mine(session: AsyncSession, secret: str | None) -> None:
    """`DELETE /registrations/me`: the registration is dropped and its link stops working."""
    token, registration = await _open(session, secret)
    await links.consume(session, token)
    registration.status = CANCELLED
    await session.flush()


async def finish_mine(session: AsyncSession, secret: str | None) -> tuple[Registration, Company]:
    """`POST /registrations/me/finish`: the account (with the password given at registration)
    and its company, whose administrator it becomes; the company takes the registration's
    publicId. 409 if someone registered the address in the meantime."""
    token, registration = await _open(session, secret)
    await links.consume(session, token)
    try:
        async with session.begin_nested():
            user = await user_service.create_person(
                session,
                email=registration.email_address,
                name=registration.name,
                password=None,
                language=registration.language,
            )
    except IntegrityError:  # registered by a concurrent request
        raise Conflict(ACCOUNT_EXISTS, "emailAddress") from None
    user.password_hash = registration.password_hash
    user.localisation = registration.localisation
    user.time_zone = registration.time_zone
    company = await company_service.create(
        session, user, CompanyCreate(name=registration.company_name)
    )
    company.public_id = registration.public_id
    registration.status = FINISHED
    await session.flush()
    return registration, company
