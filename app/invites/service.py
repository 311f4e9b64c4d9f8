"""Invites: an e-mail address asked into a company, with the memberships it will get.

Rules (REFERENCE.md §9.8, §10.1, and the choices noted where IXON says nothing):

- `POST /invites` is all or nothing. Each invite, its invite-bound memberships (``invite_id``
  set, ``user_id`` null) and its e-mail (an outbox row) are written in the request's one
  transaction: a failed request sends nothing.
- One pending invite per address and company, held by a partial unique index. An address
  invited before whose invite has expired may be invited again: the expired one is closed
  (status ``expired``) and its link stops working.
- An address holding a live membership in the company is a member already (409). Whether an
  address has an account is told to no one but its owner: the inviter's answers are the same
  either way; only the e-mail differs ("log in to accept" or "create your account").
- A caller without COMPANY_ADMIN cannot invite into a role with permissions they do not hold.
- Accepting moves each invite-bound membership to the user; one the user holds already (same
  group and role) is merged into theirs (the later expiry wins), so no constraint ever fires.
  The link is single use; expired, withdrawn, declined and accepted invites cannot be accepted.
- The e-mail link's secret authorises the `/invites/me` calls and `POST /users` as
  `Authorization: Bearer <secret>`; its hash only is stored (app/action_tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.auth.context import AuthContext
from app.auth.permissions import Permission, effective
from app.brandings import service as branding_service
from app.brandings.service import BrandingView
from app.companies.models import Company
from app.config import Settings
from app.core.clock import aware, utcnow
from app.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    ErrorItem,
    Forbidden,
    Gone,
    NotFound,
    Unauthorized,
    combine,
    not_found,
)
from app.core.querying import FilterColumn, ListParams, selects
from app.groups.models import Group
from app.invites.models import ACCEPTED, DECLINED, EXPIRED, PENDING, REVOKED, Invite
from app.invites.repository import InviteRepository, status_expr
from app.invites.schemas import AccountCreate, GroupRole, InviteCreate
from app.mail import outbox
from app.mail.branding import MailBranding
from app.mail.message import MailMessage
from app.mail.renderer import render
from app.memberships.models import Membership
from app.roles.models import Role
from app.users import service as user_service
from app.users.models import User, normalize_email

# What an admin list shows without `fields` (an invite has no name; IXON says nothing).
DEFAULT_FIELDS = ("publicId", "emailAddress", "expiresOn", "status", "deliveryState")


def reference(invite: Invite) -> str:
    """The outbox reference of an invite's e-mails."""
    return f"invite:{invite.public_id}"


def status_of(invite: Invite, now: datetime | None = None) -> str:
    """pending, accepted, declined, revoked or expired (a pending invite past its expiry)."""
    if invite.status == PENDING and aware(invite.expires_on) <= (now or utcnow()):
        return EXPIRED
    return invite.status


def _filters() -> dict[str, FilterColumn]:
    return {
        "publicId": FilterColumn(Invite.public_id),
        "emailAddress": FilterColumn(Invite.email_normalized, normalize=normalize_email),
        "expiresOn": FilterColumn(Invite.expires_on, datetime),
        "createdOn": FilterColumn(Invite.created_on, datetime),
        "status": FilterColumn(status_expr(utcnow())),
    }


@dataclass(slots=True)
class InviteView:
    """An invite with what its answers show."""

    invite: Invite
    memberships: list[Membership] = field(default_factory=list)
    delivery_state: str | None = None
    company: Company | None = None
    account: User | None = None
    inviter: User | None = None


@dataclass(slots=True)
class Created:
    invites: list[Invite]
    memberships: list[Membership]


# --- shared rules ------------------------------------------------------------------------------


def _beyond(auth: AuthContext, role: Role) -> list[str]:
    """The permissions of ``role`` the caller does not hold (none for an administrator)."""
    if auth.has(Permission.COMPANY_ADMIN):
        return []
    return sorted(effective(set(role.permission_ids)) - auth.permissions)


def finished_error(invite: Invite, inviter: User | None = None) -> AppError:
    """Why an invite cannot be used any more, in words an invitee understands."""
    status = status_of(invite)
    if status == ACCEPTED:
        return Conflict("This invitation has been accepted already", "publicId")
    if status == DECLINED:
        return Gone("This invitation was declined", "publicId")
    if status == REVOKED:
        return Gone("This invitation has been withdrawn", "publicId")
    who = inviter.name if inviter is not None else "the person who invited you"
    return Gone(f"This invitation has expired; ask {who} to send it again", "publicId")


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two membership expiries; None (permanent) is the latest."""
    if a is None or b is None:
        return None
    return max(aware(a), aware(b))


async def accept(session: AsyncSession, invite: Invite, user: User) -> None:
    """The user takes the invite: its memberships become theirs, its links stop working."""
    repository = InviteRepository(session)
    if not await repository.finish(invite.id, ACCEPTED, unexpired=True, accepted_by_id=user.id):
        await session.refresh(invite)
        raise finished_error(invite)
    invite.status, invite.accepted_by_id, invite.finished_on = ACCEPTED, user.id, utcnow()
    bound = (await repository.memberships([invite.id])).get(invite.id, [])
    held = {
        (m.group_id, m.role_id): m
        for m in await repository.user_memberships(invite.company_id, user.id)
    }
    merged: list[int] = []
    for membership in bound:
        mine = held.get((membership.group_id, membership.role_id))
        if mine is not None:
            mine.expires_on = _later(mine.expires_on, membership.expires_on)
            merged.append(membership.id)
        else:
            membership.invite_id, membership.user_id = None, user.id
    await repository.delete_memberships(ids=merged)
    await session.flush()
    await links.revoke(session, links.INVITE, invite.public_id)


async def _close(session: AsyncSession, invite: Invite, status: str) -> None:
    """Declined or revoked: the pending memberships go, the links stop working."""
    repository = InviteRepository(session)
    if not await repository.finish(invite.id, status, unexpired=False):
        await session.refresh(invite)
        raise finished_error(invite)
    invite.status, invite.finished_on = status, utcnow()
    await repository.delete_memberships(invite_ids=[invite.id])
    await links.revoke(session, links.INVITE, invite.public_id)
    await session.flush()


async def decline(session: AsyncSession, invite: Invite) -> None:
    await _close(session, invite, DECLINED)


def _mail_branding(view: BrandingView, settings: Settings) -> MailBranding:
    try:
        return view.mail(settings)
    except ValueError:
        raise BadRequest(
            f"The branding of {view.fqdn} is not configured correctly; ask the operator to fix it",
            "Api-Branding",
        ) from None


async def _send(
    session: AsyncSession,
    settings: Settings,
    invite: Invite,
    *,
    company: Company,
    branding: BrandingView,
    inviter_name: str,
    account: User | None,
) -> None:
    """A new link (earlier ones stop working) and the e-mail carrying it, in the outbox."""
    mail_branding = _mail_branding(branding, settings)
    secret = await links.issue(session, links.INVITE, invite.public_id, invite.expires_on)
    kind = "invite_existing_account" if account is not None else "invite_new_account"
    try:
        rendered = render(
            kind,
            mail_branding,
            inviter_name=inviter_name,
            company_name=company.name,
            link=f"{branding.portal_url(settings)}/portal/invites/{secret}",
            expires_on=invite.expires_on,
            message=invite.message,
            name=account.name if account is not None else None,
        )
        message = MailMessage(
            to=invite.email_address,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            sender_address=mail_branding.sender_address,
            sender_name=mail_branding.sender_name,
        )
    except ValueError:
        raise BadRequest(
            f"The invitation e-mail for {invite.email_address} could not be made with the "
            f"branding of {branding.fqdn}",
            "Api-Branding",
        ) from None
    await outbox.enqueue(session, message, kind=kind, reference=reference(invite))
    invite.sent_count = (invite.sent_count or 0) + 1
    invite.last_sent_on = utcnow()
    invite.branding = branding.fqdn


# --- creating ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    item: InviteCreate
    address: str
    key: str
    grants: list[tuple[Group, Role, datetime | None]]


def _plan_grants(
    auth: AuthContext,
    groups: dict[str, Group],
    roles: dict[str, Role],
    entries: list[GroupRole],
    now: datetime,
) -> list[tuple[Group, Role, datetime | None]]:
    if not entries:
        raise BadRequest("Give at least one group and role to invite into", "groupRoles")
    grants: list[tuple[Group, Role, datetime | None]] = []
    errors: list[AppError] = []
    seen: set[tuple[int, int]] = set()
    for entry in entries:
        group = groups.get(entry.group.publicId)
        role = roles.get(entry.role.publicId)
        if group is None:
            errors.append(
                NotFound(f"Group {entry.group.publicId} not found in this company", "groupRoles")
            )
        if role is None:
            errors.append(
                NotFound(f"Role {entry.role.publicId} not found in this company", "groupRoles")
            )
        if group is None or role is None:
            continue
        beyond = _beyond(auth, role)
        if beyond:
            errors.append(
                Forbidden(
                    f"You cannot invite into the role '{role.name}': it has permissions you do "
                    f"not hold ({', '.join(beyond)})",
                    "groupRoles",
                )
            )
        elif (group.id, role.id) in seen:
            errors.append(
                BadRequest(f"The role '{role.name}' in this group is listed twice", "groupRoles")
            )
        elif entry.expiresOn is not None and aware(entry.expiresOn) <= now:
            errors.append(BadRequest("groupRoles.expiresOn lies in the past", "groupRoles"))
        else:
            seen.add((group.id, role.id))
            grants.append((group, role, entry.expiresOn))
    if errors:
        raise combine(errors)
    return grants


async def create_many(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding_fqdn: str,
    items: Sequence[InviteCreate],
) -> Created:
    """`POST /invites`: all or nothing; every failing item named by listIndex."""
    company = auth.company_or_raise
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    _mail_branding(branding, settings)
    repository = InviteRepository(session)
    now = utcnow()

    errors: list[AppError] = []
    addresses: list[str | None] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            checked = user_service.check_email(item.emailAddress)
            if normalize_email(checked) in seen:
                raise BadRequest(
                    f"{checked} appears more than once in this request", "emailAddress"
                )
            seen.add(normalize_email(checked))
            addresses.append(checked)
        except AppError as error:
            errors.append(error.at_index(index))
            addresses.append(None)
    keys = [normalize_email(a) for a in addresses if a is not None]
    pending = await repository.pending_for(company.id, keys)
    members = await repository.member_emails(company.id, keys)
    groups = await repository.groups(
        company.id, [gr.group.publicId for item in items for gr in item.groupRoles]
    )
    roles = await repository.roles(
        company.id, [gr.role.publicId for item in items for gr in item.groupRoles]
    )

    plans: list[_Plan] = []
    for index, (item, address) in enumerate(zip(items, addresses, strict=True)):
        try:
            problems: list[AppError] = []
            if address is not None:
                key = normalize_email(address)
                if key in members:
                    problems.append(
                        Conflict(f"{address} is already a member of this company", "emailAddress")
                    )
                elif key in pending and status_of(pending[key], now) == PENDING:
                    problems.append(
                        Conflict(
                            f"{address} has already been invited to this company",
                            "emailAddress",
                        )
                    )
            try:
                grants = _plan_grants(auth, groups, roles, item.groupRoles, now)
            except AppError as error:
                problems.append(error)
            if problems:
                raise combine(problems)
            if address is not None:
                plans.append(_Plan(item, address, normalize_email(address), grants))
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise combine(errors)

    # Expired invites of these addresses are closed, so the new ones may be pending.
    for stale in (pending[p.key] for p in plans if p.key in pending):
        await _close(session, stale, EXPIRED)
    invites = [
        Invite(
            company_id=company.id,
            email_address=plan.address,
            email_normalized=plan.key,
            message=(plan.item.message or "").strip() or None,
            language=plan.item.language or company.default_user_invite_language,
            inviter_id=auth.user.id,
            branding=branding.fqdn,
            status=PENDING,
            expires_on=now + timedelta(seconds=settings.invite_ttl),
            sent_count=0,
        )
        for plan in plans
    ]
    session.add_all(invites)
    await _flush_new(session)
    memberships = [
        Membership(
            company_id=company.id,
            invite_id=invite.id,
            group_id=group.id,
            role_id=role.id,
            expires_on=expires_on,
        )
        for invite, plan in zip(invites, plans, strict=True)
        for group, role, expires_on in plan.grants
    ]
    session.add_all(memberships)
    await _flush_new(session)
    accounts = await repository.accounts(keys)
    for invite in invites:
        await _send(
            session,
            settings,
            invite,
            company=company,
            branding=branding,
            inviter_name=auth.user.name,
            account=accounts.get(invite.email_normalized),
        )
    await session.flush()
    return Created(invites, memberships)


async def _flush_new(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            "One of these addresses was invited to this company at the same time; try again",
            "emailAddress",
        ) from None


# --- reading (the company's view) ----------------------------------------------------------


async def _views(
    session: AsyncSession,
    invites: Sequence[Invite],
    *,
    memberships: bool = False,
    delivery: bool = False,
    companies: bool = False,
) -> list[InviteView]:
    """The invites with what the answer shows of them: one query per kind, never per invite."""
    repository = InviteRepository(session)
    bound = await repository.memberships([i.id for i in invites]) if memberships else {}
    states = (
        await outbox.delivery_states(session, [reference(i) for i in invites]) if delivery else {}
    )
    found = await repository.companies([i.company_id for i in invites]) if companies else {}
    return [
        InviteView(
            invite=i,
            memberships=bound.get(i.id, []),
            delivery_state=states.get(reference(i)),
            company=found.get(i.company_id),
        )
        for i in invites
    ]


def _default_status(params: ListParams, *statuses: str) -> list[ColumnElement[bool]]:
    """Lists show open invites unless the client filters on ``status`` itself."""
    if any(f.column == "status" for f in params.filters):
        return []
    return [status_expr(utcnow()).in_(statuses)]


async def list_invites(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[InviteView], str | None]:
    """`GET /invites`: the company's pending invites (expired ones too, to resend them); any
    other status with ``filters=eq(status,"accepted")`` and the like."""
    repository = InviteRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(
        *params.where(_filters()), *_default_status(params, PENDING, EXPIRED)
    )
    rows, more = await repository.page(stmt, params)
    return await _views(
        session,
        rows,
        memberships=selects(params.fields, "memberships", DEFAULT_FIELDS),
        delivery=selects(params.fields, "deliveryState", DEFAULT_FIELDS),
    ), more


async def get_invite(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams
) -> InviteView:
    """`GET /invites/{publicId}`: any status; another company's invite is not found."""
    repository = InviteRepository(session)
    invite = await repository.by_public_id(
        public_id, Invite.company_id == auth.company_or_raise.id, *params.where(_filters())
    )
    if invite is None:
        raise not_found("Invite")
    return (
        await _views(
            session,
            [invite],
            memberships=selects(params.fields, "memberships", DEFAULT_FIELDS),
            delivery=selects(params.fields, "deliveryState", DEFAULT_FIELDS),
        )
    )[0]


def _bulk_error(errors: list[AppError], *, bulk: bool) -> AppError:
    error = combine(errors)
    if not bulk:
        error.items = [ErrorItem(i.message, i.property_name, None) for i in error.items]
    return error


async def _company_invites(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool
) -> list[Invite]:
    """The named invites of the caller's company, each once, still pending (or expired)."""
    found = await InviteRepository(session).many(auth.company_or_raise.id, public_ids)
    invites: list[Invite] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        invite = found.get(public_id)
        try:
            if invite is None:
                raise not_found("Invite")
            if invite in invites:
                raise BadRequest("This invite is listed twice", "publicId")
            if invite.status != PENDING:
                raise Conflict(
                    f"This invitation is {status_of(invite)} already and cannot be changed",
                    "publicId",
                )
            invites.append(invite)
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise _bulk_error(errors, bulk=bulk)
    return invites


async def revoke(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /invites` and `/invites/{publicId}`: withdrawn; links stop working and the
    pending memberships go. All or nothing; a finished invite is 409."""
    for invite in await _company_invites(session, auth, public_ids, bulk=bulk):
        await _close(session, invite, REVOKED)


async def resend(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding_fqdn: str,
    public_ids: Sequence[str],
    *,
    bulk: bool = True,
) -> None:
    """`POST /invites/resend` and `/invites/{publicId}/resend`: a new expiry and a new link
    (the old one stops working), e-mailed again. Only pending (or expired) invites."""
    company = auth.company_or_raise
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    _mail_branding(branding, settings)
    invites = await _company_invites(session, auth, public_ids, bulk=bulk)
    repository = InviteRepository(session)
    accounts = await repository.accounts([i.email_normalized for i in invites])
    inviters = await repository.users([i.inviter_id for i in invites])
    expires_on = utcnow() + timedelta(seconds=settings.invite_ttl)
    for invite in invites:
        invite.expires_on = expires_on
        inviter = inviters.get(invite.inviter_id) if invite.inviter_id else None
        await _send(
            session,
            settings,
            invite,
            company=company,
            branding=branding,
            inviter_name=(inviter or auth.user).name,
            account=accounts.get(invite.email_normalized),
        )
    await session.flush()


# --- the invitee with an account (`/invites/{publicId}/finish`, `/users/me/invites`) -----------


def _my_key(auth: AuthContext) -> str | None:
    address = auth.user.email_address
    return normalize_email(address) if address else None


async def finish_as_user(session: AsyncSession, auth: AuthContext, public_id: str) -> None:
    """`POST /invites/{publicId}/finish`: the logged-in user accepts an invite addressed to
    their own e-mail address; anyone else's invite is not found."""
    key = _my_key(auth)
    invite = (
        await InviteRepository(session).by_public_id(public_id, Invite.email_normalized == key)
        if key
        else None
    )
    if invite is None:
        raise not_found("Invite")
    if status_of(invite) != PENDING:
        inviters = await InviteRepository(session).users([invite.inviter_id])
        raise finished_error(invite, inviters.get(invite.inviter_id or 0))
    await accept(session, invite, auth.user)


async def list_for_user(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[InviteView], str | None]:
    """`GET /users/me/invites`: open invites addressed to the caller (any status with a
    filter on ``status``), each with its company."""
    key = _my_key(auth)
    if key is None:
        return [], None
    repository = InviteRepository(session)
    stmt = repository.addressed_to(key).where(
        *params.where(_filters()), *_default_status(params, PENDING)
    )
    rows, more = await repository.page(stmt, params)
    wanted = selects(params.fields, "memberships")
    return await _views(session, rows, memberships=wanted, companies=True), more


async def get_for_user(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams
) -> InviteView:
    key = _my_key(auth)
    invite = (
        await InviteRepository(session).by_public_id(
            public_id, Invite.email_normalized == key, *params.where(_filters())
        )
        if key
        else None
    )
    if invite is None:
        raise not_found("Invite")
    wanted = selects(params.fields, "memberships")
    return (await _views(session, [invite], memberships=wanted, companies=True))[0]


async def decline_for_user(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """`DELETE /users/me/invites` and `/users/me/invites/{publicId}`: the caller declines."""
    key = _my_key(auth)
    repository = InviteRepository(session)
    invites: list[Invite] = []
    errors: list[AppError] = []
    for index, public_id in enumerate(public_ids):
        try:
            invite = (
                await repository.by_public_id(public_id, Invite.email_normalized == key)
                if key
                else None
            )
            if invite is None:
                raise not_found("Invite")
            if invite.status != PENDING or invite in invites:
                raise Conflict(
                    f"This invitation is {status_of(invite)} and cannot be declined", "publicId"
                )
            invites.append(invite)
        except AppError as error:
            errors.append(error.at_index(index))
    if errors:
        raise _bulk_error(errors, bulk=bulk)
    for invite in invites:
        await decline(session, invite)


# --- the e-mail link (`/invites/me`, `POST /users`) --------------------------------------------


async def _by_link(session: AsyncSession, secret: str | None) -> tuple[ActionToken, Invite]:
    """The usable link and its open invite: 401 unknown, 410 used, expired or finished."""
    if not secret:
        raise Unauthorized(
            "Send the secret of the invitation link as Authorization: Bearer <secret>",
            "Authorization",
        )
    token = await links.require(session, links.INVITE, secret)
    invite = await InviteRepository(session).by_public_id(token.reference)
    if invite is None:
        raise Unauthorized("This link is not valid", "Authorization")
    if status_of(invite) != PENDING:
        error = finished_error(invite)
        raise Gone(error.items[0].message, "Authorization")
    return token, invite


async def my_invite(session: AsyncSession, secret: str | None) -> InviteView:
    """`GET /invites/me`: what the link invites to; changes nothing."""
    _, invite = await _by_link(session, secret)
    view = (await _views(session, [invite], memberships=True, companies=True))[0]
    view.account = (await InviteRepository(session).accounts([invite.email_normalized])).get(
        invite.email_normalized
    )
    return view


async def decline_by_link(session: AsyncSession, secret: str | None) -> Invite:
    """`DELETE /invites/me`: the invitee declines; the link is used up."""
    token, invite = await _by_link(session, secret)
    await links.consume(session, token)
    await decline(session, invite)
    return invite


async def finish_by_link(session: AsyncSession, secret: str | None) -> User:
    """`POST /invites/me/finish`: the existing account of the invited address accepts (the
    link proves the address). Without an account: 409, create it with `POST /users`."""
    token, invite = await _by_link(session, secret)
    account = await user_service.by_email(session, invite.email_address)
    if account is None:
        raise Conflict(
            f"There is no account for {invite.email_address} yet: create it with POST /users "
            "(name and password), sending this link's secret as Authorization: Bearer",
            "Authorization",
        )
    await links.consume(session, token)
    await accept(session, invite, account)
    return account


async def create_account(session: AsyncSession, secret: str | None, body: AccountCreate) -> User:
    """`POST /users`: a new person creates their account from the invite link and, with it,
    accepts the invite. The address is the invite's; an existing account is 409."""
    if body.ssoAuthentication is not None:
        raise BadRequest(
            "Single sign-on is not supported here: send a name and a password",
            "ssoAuthentication",
        )
    token, invite = await _by_link(session, secret)
    return await new_account(
        session,
        token,
        invite,
        name=body.name,
        password=body.password,
        language=body.language,
        localisation=body.localisation,
        time_zone=body.timeZone,
    )


async def new_account(
    session: AsyncSession,
    token: ActionToken,
    invite: Invite,
    *,
    name: str,
    password: str,
    language: str | None = None,
    localisation: str | None = None,
    time_zone: str | None = None,
) -> User:
    if await user_service.by_email(session, invite.email_address) is not None:
        raise Conflict(
            f"An account for {invite.email_address} exists already: accept the invitation "
            "with POST /invites/me/finish",
            "Authorization",
        )
    user_service.check_password(password)
    inviter = (await InviteRepository(session).users([invite.inviter_id])).get(
        invite.inviter_id or 0
    )
    user = await user_service.create_person(
        session,
        email=invite.email_address,
        name=name,
        password=password,
        language=language or invite.language,
        registered_by=inviter,
    )
    user.localisation, user.time_zone = localisation, time_zone
    await links.consume(session, token)
    await accept(session, invite, user)
    return user
