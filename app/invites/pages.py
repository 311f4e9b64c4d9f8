"""What the invitee pages (`/portal/invites/{secret}`) need: the state of a link, and joining
or declining from the page. Reading a link changes nothing (mail scanners open links); only
the page's POSTs do, through these functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.auth.ratelimit import LoginLimiter, Secret
from app.companies.models import Company
from app.core import passwords
from app.core.errors import BadRequest, ErrorItem, Gone
from app.i18n.catalogues import Translator
from app.invites import service
from app.invites.models import ACCEPTED, DECLINED, EXPIRED, REVOKED, Invite
from app.invites.repository import InviteRepository
from app.users import service as user_service
from app.users.models import User, normalize_email

OPEN, UNKNOWN, REPLACED = "open", "unknown", "replaced"
NAME_MAX = 255


@dataclass(slots=True)
class LinkState:
    """What a link is now: ``open``, ``unknown``, ``replaced`` (a newer e-mail was sent), or
    the invite's own end: ``expired``, ``revoked``, ``accepted``, ``declined``."""

    state: str
    invite: Invite | None = None
    company: Company | None = None
    inviter: User | None = None
    account: User | None = None
    token: ActionToken | None = None
    # (role name, group name) of each membership the invite grants.
    grants: list[tuple[str, str]] = field(default_factory=list)

    @property
    def inviter_name(self) -> str:
        return self.inviter.name if self.inviter is not None else "the person who invited you"


async def open_link(session: AsyncSession, secret: str) -> LinkState:
    """The state of the link ``secret``, with what its page shows. Changes nothing."""
    token = await links.lookup(session, links.INVITE, secret) if secret else None
    repository = InviteRepository(session)
    invite = await repository.by_public_id(token.reference) if token is not None else None
    if token is None or invite is None:
        return LinkState(UNKNOWN)
    company = (await repository.companies([invite.company_id]))[invite.company_id]
    inviter = (await repository.users([invite.inviter_id])).get(invite.inviter_id or 0)
    found = LinkState(OPEN, invite, company, inviter, token=token)
    status = service.status_of(invite)
    if status in (ACCEPTED, DECLINED, REVOKED, EXPIRED):
        found.state = status
    elif not links.is_usable(token):
        found.state = REPLACED if token.used_on is not None else EXPIRED
    if found.state in (OPEN, ACCEPTED):
        found.account = (await repository.accounts([invite.email_normalized])).get(
            invite.email_normalized
        )
    if found.state == OPEN:
        memberships = (await repository.memberships([invite.id])).get(invite.id, [])
        found.grants = [(m.role.name if m.role else "No role", m.group.name) for m in memberships]
    return found


def _usable(state: LinkState) -> tuple[ActionToken, Invite]:
    if state.state != OPEN or state.token is None or state.invite is None:
        raise Gone("This invitation can no longer be accepted")
    return state.token, state.invite


def _new_account_errors(name: str, password: str, repeat: str, _: Translator) -> list[ErrorItem]:
    """What is wrong with the form's fields, in the page's language."""
    errors: list[ErrorItem] = []
    if not name:
        errors.append(ErrorItem(_("Enter your name"), "name"))
    elif len(name) > NAME_MAX:
        errors.append(
            ErrorItem(_("Your name can have at most %(count)s characters", count=NAME_MAX), "name")
        )
    if len(password) < user_service.MIN_PASSWORD:
        message = _(
            "Choose a password of at least %(count)s characters", count=user_service.MIN_PASSWORD
        )
        errors.append(ErrorItem(message, "password"))
    elif len(password) > user_service.MAX_PASSWORD:
        message = _(
            "A password can have at most %(count)s characters", count=user_service.MAX_PASSWORD
        )
        errors.append(ErrorItem(message, "password"))
    elif passwords.too_easy(password, (name,)):
        errors.append(ErrorItem(_(passwords.TOO_COMMON), "password"))
    if password != repeat:
        errors.append(ErrorItem(_("The passwords do not match"), "password_repeat"))
    return errors


async def join_new_account(
    session: AsyncSession,
    secret: str,
    *,
    name: str,
    password: str,
    repeat: str,
    translate: Translator | None = None,
) -> tuple[User, Company]:
    """Creates the account of the invited address and joins. Field errors (``name``,
    ``password``, ``password_repeat``) come as one BadRequest, before anything changes, in
    the language of ``translate`` (English without it)."""
    name = " ".join(name.split())
    errors = _new_account_errors(name, password, repeat, translate or Translator("en"))
    if errors:
        raise BadRequest(errors[0].message, items=errors)
    state = await open_link(session, secret)
    token, invite = _usable(state)
    assert state.company is not None
    if passwords.too_easy(password, (invite.email_address,)):
        message = (translate or Translator("en"))(passwords.TOO_COMMON)
        raise BadRequest(message, "password")
    user = await service.new_account(session, token, invite, name=name, password=password)
    return user, state.company


async def join_existing_account(
    session: AsyncSession,
    limiter: LoginLimiter,
    client_address: str,
    secret: str,
    password: str,
    translate: Translator | None = None,
) -> tuple[User, Company]:
    """The invited address's account joins, proven by its password (limited like log-ins)."""
    state = await open_link(session, secret)
    token, invite = _usable(state)
    assert state.company is not None
    attempt = await limiter.attempt(
        Secret.PASSWORD, invite.email_normalized, client_address, "password"
    )
    user = await user_service.verify_login(session, invite.email_address, password)
    if user is None:
        raise BadRequest((translate or Translator("en"))("The password is not correct"), "password")
    await attempt.succeeded()
    await links.consume(session, token)
    await service.accept(session, invite, user)
    return user, state.company


async def decline_link(session: AsyncSession, secret: str) -> LinkState:
    state = await open_link(session, secret)
    token, invite = _usable(state)
    await links.consume(session, token)
    await service.decline(session, invite)
    return state


async def signed_in_elsewhere(
    session: AsyncSession, user_public_id: str | None, state: LinkState
) -> str | None:
    """The address of the portal's signed-in account when it is not the invited one."""
    if user_public_id is None or state.invite is None:
        return None
    user = await InviteRepository(session).user(user_public_id)
    if user is None or user.email_address is None:
        return None
    if normalize_email(user.email_address) == state.invite.email_normalized:
        return None
    return user.email_address
