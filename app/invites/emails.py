"""The invite e-mail: a new link for the invite and the message carrying it, in the outbox.

It is written in the invite's language (set when it was made: the one asked for, else the
account's, else the company's `defaultUserInviteLanguage`), with dates in the account's time
zone when the address has one, and names the inviter with their e-mail address: a reader can
check who it is from, and knows whom to ask for a new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens import service as links
from app.brandings.service import BrandingView
from app.companies.models import Company
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import BadRequest
from app.i18n.audience import Audience
from app.i18n.negotiation import choose
from app.invites.models import Invite
from app.mail import outbox
from app.mail.branding import MailBranding
from app.mail.message import MailMessage
from app.mail.renderer import RenderedMail, render
from app.users.models import User


class Addressed(Protocol):
    """What an invite's e-mail is made of (an `Invite`, or one being inserted)."""

    @property
    def public_id(self) -> str: ...
    @property
    def email_address(self) -> str: ...
    @property
    def email_normalized(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def message(self) -> str | None: ...
    @property
    def expires_on(self) -> datetime: ...


def reference(invite: Addressed) -> str:
    """The outbox reference of an invite's e-mails."""
    return f"invite:{invite.public_id}"


def audience(invite: Addressed, account: User | None) -> Audience:
    """The invite's language; the account's locale and time zone, when the address has one."""
    if account is None:
        return Audience(choose(invite.language))
    return Audience(choose(invite.language), account.localisation, account.time_zone)


def mail_branding(view: BrandingView, settings: Settings) -> MailBranding:
    """The branding's mail settings; a misconfigured branding is the caller's 400."""
    try:
        return view.mail(settings)
    except ValueError:
        raise BadRequest(
            f"The branding of {view.fqdn} is not configured correctly; ask the operator to fix it",
            "Api-Branding",
        ) from None


async def send(
    session: AsyncSession,
    settings: Settings,
    invite: Invite,
    *,
    company: Company,
    branding: BrandingView,
    inviter_name: str,
    account: User | None,
    resend: bool = False,
    inviter_email: str | None = None,
) -> None:
    """A new link (earlier ones stop working) and the e-mail carrying it, in the outbox.
    A ``resend`` cancels the invite's e-mails still waiting there: their links are dead."""
    sender = mail_branding(branding, settings)
    secret = await links.issue(session, links.INVITE, invite.public_id, invite.expires_on)
    kind = "invite_existing_account" if account is not None else "invite_new_account"
    message = _message(
        kind,
        invite,
        sender,
        settings=settings,
        branding=branding,
        secret=secret,
        company=company,
        inviter=(inviter_name, inviter_email),
        account=account,
    )
    queue = outbox.replace if resend else outbox.enqueue
    await queue(session, message, kind=kind, reference=reference(invite))
    invite.sent_count = (invite.sent_count or 0) + 1
    invite.last_sent_on = utcnow()
    invite.branding = branding.fqdn


def _message(
    kind: str,
    invite: Invite,
    sender: MailBranding,
    *,
    settings: Settings,
    branding: BrandingView,
    secret: str,
    company: Company,
    inviter: tuple[str, str | None],
    account: User | None,
) -> MailMessage:
    """The rendered e-mail; a branding whose templates cannot make it is the caller's 400."""
    link = f"{branding.portal_url(settings)}/portal/invites/{secret}"
    rendered = _rendered(
        kind, invite, sender, branding=branding, link=link, company=company, inviter=inviter,
        account=account,
    )  # fmt: skip
    return _letter(invite, rendered, sender, branding)


def _rendered(
    kind: str,
    invite: Addressed,
    sender: MailBranding,
    *,
    branding: BrandingView,
    link: str,
    company: Company,
    inviter: tuple[str, str | None],
    account: User | None,
) -> RenderedMail:
    try:
        return render(
            kind,
            sender,
            audience=audience(invite, account),
            inviter_name=inviter[0],
            inviter_email=inviter[1],
            company_name=company.name,
            link=link,
            expires_on=invite.expires_on,
            message=invite.message,
            name=account.name if account is not None else None,
        )
    except ValueError:
        raise _unmade(invite, branding) from None


def _letter(
    invite: Addressed, rendered: RenderedMail, sender: MailBranding, branding: BrandingView
) -> MailMessage:
    try:
        return MailMessage(
            to=invite.email_address,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            sender_address=sender.sender_address,
            sender_name=sender.sender_name,
        )
    except ValueError:
        raise _unmade(invite, branding) from None


def _unmade(invite: Addressed, branding: BrandingView) -> BadRequest:
    return BadRequest(
        f"The invitation e-mail for {invite.email_address} could not be made with the "
        f"branding of {branding.fqdn}",
        "Api-Branding",
    )


@dataclass(frozen=True, slots=True)
class NewMail:
    """The first e-mail of an invite made just now: its link's secret and the message."""

    kind: str
    secret: str
    message: MailMessage


def new_invite_mails(
    settings: Settings,
    invites: Sequence[Addressed],
    *,
    company: Company,
    branding: BrandingView,
    inviter: tuple[str, str | None],
    accounts: Mapping[str, User],
) -> list[NewMail]:
    """What `send` would queue for each of these new invites, rendered once per distinct
    e-mail: invites whose e-mails differ only in the link share one rendering made with a
    stand-in secret, which each invite's own replaces. The stand-in is random and of the
    secrets' alphabet and length, so it passes through the templates as a secret does, and
    nothing else in the text can match it."""
    sender = mail_branding(branding, settings)
    links_at = f"{branding.portal_url(settings)}/portal/invites/"
    shared: dict[tuple[Any, ...], tuple[str, RenderedMail]] = {}
    mails: list[NewMail] = []
    for invite in invites:
        account = accounts.get(invite.email_normalized)
        kind = "invite_existing_account" if account is not None else "invite_new_account"
        reader = (account.name, account.localisation, account.time_zone) if account else None
        key = (kind, invite.language, invite.message, invite.expires_on, reader)
        if key not in shared:
            stand_in = links.new_secret()
            rendered = _rendered(
                kind, invite, sender, branding=branding, link=links_at + stand_in,
                company=company, inviter=inviter, account=account,
            )  # fmt: skip
            shared[key] = (stand_in, rendered)
        stand_in, rendered = shared[key]
        secret = links.new_secret()
        own = RenderedMail(
            subject=rendered.subject.replace(stand_in, secret),
            html=rendered.html.replace(stand_in, secret),
            text=rendered.text.replace(stand_in, secret),
        )
        mails.append(NewMail(kind, secret, _letter(invite, own, sender, branding)))
    return mails
