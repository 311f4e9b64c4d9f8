"""E-mail address changes: asked for by the user, confirmed from the new address.

- `POST /users/me/email-address-changes` stores the change and e-mails a link
  (`{portal}/portal/email-address-changes/{secret}`, once, `EMAIL_CHANGE_TTL` = 24 hours) to the
  NEW address. A newer request supersedes the pending one (its link stops working).
- An address that belongs to another account gets the same answer, a change row and a link
  like any other (never sent), and its owner an `address_in_use` note instead; the requester
  cannot tell. Finishing re-checks that the address is free (409 otherwise).
- Finishing changes the address, sends `email_change_notice` to the OLD address and stops the
  account's unused password-reset links (they went to the old address).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_recover import service as recover_service
from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.auth.context import AuthContext
from app.brandings import service as branding_service
from app.brandings.service import BrandingView
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import AppError, BadRequest, Conflict, Forbidden, Gone, combine, not_found
from app.core.querying import FilterColumn, ListParams
from app.email_changes.models import CANCELLED, DONE, PENDING, EmailAddressChange
from app.email_changes.repository import EmailChangeRepository
from app.email_changes.schemas import EmailAddressChangeCreate
from app.i18n.audience import Audience
from app.i18n.catalogues import N_
from app.mail.branding import MailBranding
from app.mail.queue import queue
from app.users import service as user_service
from app.users.models import PERSON, User, normalize_email

EMAIL_CHANGE_TTL = timedelta(hours=24)
PAGE_PATH = "/portal/email-address-changes/"
ADDRESS_TAKEN = N_("This e-mail address is used by another account")  # the portal translates it
WHAT = "E-mail address change"

FILTERS = {
    "publicId": FilterColumn(EmailAddressChange.public_id),
    "oldEmailAddress": FilterColumn(EmailAddressChange.old_email_address),
    "newEmailAddress": FilterColumn(
        EmailAddressChange.new_email_normalized, normalize=normalize_email
    ),
    "expiresOn": FilterColumn(EmailAddressChange.expires_on, datetime),
}


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A change with the account it changes (the `/email-address-changes/me` answer)."""

    change: EmailAddressChange
    user: User


async def _send(
    session: AsyncSession,
    mail: MailBranding,
    user: User,
    *,
    to: str,
    kind: str,
    reference: str,
    **ctx: Any,
) -> None:
    """``kind`` in ``user``'s language and time zone, queued in the caller's transaction."""
    await queue(
        session,
        kind,
        to=to,
        context=ctx,
        branding=mail,
        reference=reference,
        audience=Audience.of(user),
    )


async def _cancel(session: AsyncSession, changes: Sequence[EmailAddressChange]) -> None:
    for change in changes:
        change.status = CANCELLED
        await links.revoke(session, links.EMAIL_CHANGE, change.public_id)
    await session.flush()


async def request_change(
    session: AsyncSession,
    settings: Settings,
    auth: AuthContext,
    branding_fqdn: str,
    body: EmailAddressChangeCreate,
) -> EmailAddressChange:
    """`POST /users/me/email-address-changes`."""
    user = auth.user
    if user.type != PERSON or user.email_address is None:
        raise Forbidden("Only a person's account has an e-mail address to change")
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    address = user_service.check_email(body.newEmailAddress, "newEmailAddress")
    if normalize_email(address) == user.email_normalized:
        raise BadRequest("This is your e-mail address already", "newEmailAddress")
    repository = EmailChangeRepository(session)
    await _cancel(session, await repository.all_pending_of(user.id))
    expires = utcnow() + EMAIL_CHANGE_TTL
    change = await repository.add(
        EmailAddressChange(
            user_id=user.id,
            old_email_address=user.email_address,
            new_email_address=address,
            new_email_normalized=normalize_email(address),
            branding=branding.fqdn,
            expires_on=expires,
        )
    )
    # Issued for a taken address too (and never sent), so both paths do the same work.
    secret = await links.issue(session, links.EMAIL_CHANGE, change.public_id, expires)
    owner = await user_service.by_email(session, address)
    if owner is not None:
        await recover_service.notify_address_in_use(session, settings, owner, branding)
        return change
    mail = branding.mail(settings)
    await _send(
        session,
        mail,
        user,
        to=address,
        kind="email_change_confirmation",
        reference=change.public_id,
        link=f"{mail.portal_url}{PAGE_PATH}{secret}",
        expires_on=expires,
        new_email=address,
        name=user.name,
    )
    return change


async def list_mine(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[EmailAddressChange], str | None]:
    """`GET /users/me/email-address-changes`: the caller's pending, unexpired changes."""
    repository = EmailChangeRepository(session)
    stmt = repository.pending_of(auth.user.id).where(*params.where(FILTERS))
    return await repository.page(stmt, params)


async def pending_of(session: AsyncSession, user: User) -> list[EmailAddressChange]:
    """The user's pending changes (for `MyUser.emailAddressChanges`)."""
    return await EmailChangeRepository(session).all_pending_of(user.id)


async def get_mine(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams | None = None
) -> EmailAddressChange:
    repository = EmailChangeRepository(session)
    stmt = repository.pending_of(auth.user.id).where(EmailAddressChange.public_id == public_id)
    if params is not None:
        stmt = stmt.where(*params.where(FILTERS))
    change = await repository.one_or_none(stmt)
    if change is None:
        raise not_found(WHAT)
    return change


async def cancel_mine(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users/me/email-address-changes[/{publicId}]`: all or nothing."""
    repository = EmailChangeRepository(session)
    stmt = repository.pending_of(auth.user.id).where(
        EmailAddressChange.public_id.in_(list(public_ids))
    )
    found = {c.public_id: c for c in await session.scalars(stmt)}
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        if public_id not in found:
            error = not_found(WHAT)
            errors.append(error.at_index(index) if bulk else error)
    if errors:
        raise combine(errors)
    await _cancel(session, list(found.values()))


async def _open(session: AsyncSession, secret: str | None) -> tuple[ActionToken, ChangeView]:
    token = await links.require(session, links.EMAIL_CHANGE, secret)
    repository = EmailChangeRepository(session)
    change = await repository.by_public_id(token.reference)
    user = await repository.user_of(change) if change is not None else None
    if change is None or user is None or change.status != PENDING:
        raise Gone("This change has been confirmed or cancelled already", "Authorization")
    return token, ChangeView(change, user)


async def get_by_link(session: AsyncSession, secret: str | None) -> ChangeView:
    """`GET /email-address-changes/me` (401 unknown link, 410 used or expired)."""
    _token, view = await _open(session, secret)
    return view


async def cancel_by_link(session: AsyncSession, secret: str | None) -> None:
    """`DELETE /email-address-changes/me`: the change is dropped, the link stops working."""
    token, view = await _open(session, secret)
    await links.consume(session, token)
    view.change.status = CANCELLED
    await session.flush()


async def _branding(session: AsyncSession, settings: Settings, fqdn: str) -> BrandingView:
    """The branding the change was asked with; the default if it has been removed since."""
    try:
        return await branding_service.resolve(session, settings, fqdn)
    except AppError:
        return await branding_service.resolve(session, settings, None)


async def finish_by_link(
    session: AsyncSession, settings: Settings, secret: str | None
) -> ChangeView:
    """`POST /email-address-changes/me/finish`: the account takes the new address."""
    token, view = await _open(session, secret)
    change, user = view.change, view.user
    owner = await user_service.by_email(session, change.new_email_address)
    if owner is not None and owner.id != user.id:
        raise Conflict(ADDRESS_TAKEN, "newEmailAddress")
    await links.consume(session, token)
    old_address = user.email_address
    try:
        async with session.begin_nested():
            user.email_address = change.new_email_address
            user.email_normalized = change.new_email_normalized
            await session.flush()
    except IntegrityError:  # taken by a concurrent request
        raise Conflict(ADDRESS_TAKEN, "newEmailAddress") from None
    change.status = DONE
    await recover_service.revoke_links(session, user)
    await session.flush()
    if old_address is not None:
        branding = await _branding(session, settings, change.branding)
        await _send(
            session,
            branding.mail(settings),
            user,
            to=old_address,
            kind="email_change_notice",
            reference=change.public_id,
            new_email=change.new_email_address,
            name=user.name,
        )
    return view
