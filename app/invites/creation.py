"""Creating invites (`POST /invites`): every item checked first, then the invites, their
invite-bound memberships and their e-mails written together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.context import AuthContext
from app.auth.permissions import beyond, effective
from app.brandings import service as branding_service
from app.config import Settings
from app.core import collector
from app.core.clock import aware, utcnow
from app.core.errors import AppError, BadRequest, Conflict, Forbidden, NotFound, combine
from app.core.ids import public_id
from app.groups.models import Group
from app.invites.emails import mail_branding, new_invite_mails
from app.invites.lifecycle import close_many
from app.invites.models import EXPIRED, PENDING, Invite
from app.invites.repository import InviteRepository
from app.invites.schemas import GroupRole, InviteCreate
from app.invites.status import ALREADY_INVITED, ALREADY_MEMBER, status_of
from app.invites.writes import NewInvite, insert_all
from app.roles.models import Role
from app.users import service as user_service
from app.users.models import User, normalize_email


@dataclass(frozen=True, slots=True)
class Made:
    public_id: str


@dataclass(slots=True)
class Created:
    invites: list[Made]
    memberships: list[Made]


@dataclass(slots=True)
class _Plan:
    item: InviteCreate
    address: str
    key: str
    grants: list[tuple[Group, Role, datetime | None]]


def _grant_error(
    auth: AuthContext,
    group: Group,
    role: Role,
    expires_on: datetime | None,
    seen: set[tuple[int, int]],
    now: datetime,
) -> AppError | None:
    """What is wrong with inviting into this group and role, if anything."""
    lacking = beyond(auth.permissions, effective(set(role.permission_ids)))
    if lacking:
        return Forbidden(
            f"You cannot invite into the role '{role.name}': it has permissions you do "
            f"not hold ({', '.join(lacking)})",
            "groupRoles",
        )
    if (group.id, role.id) in seen:
        return BadRequest(f"The role '{role.name}' in this group is listed twice", "groupRoles")
    if expires_on is not None and aware(expires_on) <= now:
        return BadRequest("groupRoles.expiresOn lies in the past", "groupRoles")
    return None


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
        error = _grant_error(auth, group, role, entry.expiresOn, seen, now)
        if error is not None:
            errors.append(error)
        else:
            seen.add((group.id, role.id))
            grants.append((group, role, entry.expiresOn))
    if errors:
        raise combine(errors)
    return grants


def _check_addresses(items: Sequence[InviteCreate]) -> tuple[list[str | None], list[AppError]]:
    """Each item's checked address (None where it is wrong), and the errors by listIndex."""
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
    return addresses, errors


def _address_problems(
    address: str, members: set[str], pending: dict[str, Invite], now: datetime
) -> list[AppError]:
    """A member already, or invited already (an expired invite may be replaced)."""
    key = normalize_email(address)
    if key in members:
        return [
            Conflict(
                f"{address} is already a member of this company",
                "emailAddress",
                code=ALREADY_MEMBER,
            )
        ]
    if key in pending and status_of(pending[key], now) == PENDING:
        return [
            Conflict(
                f"{address} has already been invited to this company",
                "emailAddress",
                code=ALREADY_INVITED,
            )
        ]
    return []


async def _plan(
    session: AsyncSession, auth: AuthContext, items: Sequence[InviteCreate], now: datetime
) -> tuple[list[_Plan], dict[str, Invite]]:
    """Every item checked, all or nothing: the plans, and the open invites of their addresses."""
    company_id = auth.company_or_raise.id
    repository = InviteRepository(session)
    addresses, errors = _check_addresses(items)
    keys = [normalize_email(a) for a in addresses if a is not None]
    pending = await repository.pending_for(company_id, keys)
    members = await repository.member_emails(company_id, keys)
    groups = await repository.groups(
        company_id, [gr.group.publicId for item in items for gr in item.groupRoles]
    )
    roles = await repository.roles(
        company_id, [gr.role.publicId for item in items for gr in item.groupRoles]
    )

    plans: list[_Plan] = []
    for index, (item, address) in enumerate(zip(items, addresses, strict=True)):
        try:
            problems = [] if address is None else _address_problems(address, members, pending, now)
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
    return plans, pending


async def create_many(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding_fqdn: str,
    items: Sequence[InviteCreate],
) -> Created:
    """`POST /invites`: all or nothing; every failing item named by listIndex."""
    with collector.paused():
        return await _create_many(session, auth, settings, branding_fqdn, items)


async def _create_many(
    session: AsyncSession,
    auth: AuthContext,
    settings: Settings,
    branding_fqdn: str,
    items: Sequence[InviteCreate],
) -> Created:
    company = auth.company_or_raise
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    mail_branding(branding, settings)
    now = utcnow()
    plans, pending = await _plan(session, auth, items, now)

    # Expired invites of these addresses are closed, so the new ones may be pending.
    stale = [pending[p.key] for p in plans if p.key in pending]
    await close_many(session, stale, EXPIRED, bulk=False)
    accounts = await InviteRepository(session).accounts([p.key for p in plans])
    expires_on = now + timedelta(seconds=settings.invite_ttl)
    invites = [
        NewInvite(
            public_id=public_id(),
            email_address=plan.address,
            email_normalized=plan.key,
            message=(plan.item.message or "").strip() or None,
            language=_language(plan, accounts.get(plan.key), company.default_user_invite_language),
            expires_on=expires_on,
            grants=plan.grants,
        )
        for plan in plans
    ]
    mails = new_invite_mails(
        settings,
        invites,
        company=company,
        branding=branding,
        inviter=(auth.user.name, auth.user.email_address),
        accounts=accounts,
    )
    memberships = await insert_all(session, auth, branding.fqdn, invites, mails)
    return Created([Made(i.public_id) for i in invites], [Made(m) for m in memberships])


def _language(plan: _Plan, account: User | None, company_default: str) -> str:
    """The language asked for, else its account's, else the company's."""
    return plan.item.language or (account.language if account else None) or company_default
