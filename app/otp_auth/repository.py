"""All SQL of the second factor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.memberships.models import Membership
from app.otp_auth.models import OtpAuth
from app.roles.models import Role


async def of_user(session: AsyncSession, user_id: int) -> OtpAuth | None:
    return await session.scalar(select(OtpAuth).where(OtpAuth.user_id == user_id))


async def use_step(session: AsyncSession, otp: OtpAuth, step: int) -> bool:
    """Records ``step`` as used unless it (or a later one) was: one conditional UPDATE, so two
    requests racing with the same code cannot both pass (the database decides)."""
    result = await session.execute(
        update(OtpAuth)
        .where(
            OtpAuth.id == otp.id,
            or_(OtpAuth.last_used_step.is_(None), OtpAuth.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    used = int(getattr(result, "rowcount", 0) or 0) == 1
    if used:
        otp.last_used_step = step
    return used


def _enforcing(user_ids: Sequence[int], company_id: int | None = None) -> list[object]:
    live = Membership.live()
    where: list[object] = [Membership.user_id.in_(user_ids), Role.enforce2fa.is_(True), live]
    if company_id is not None:
        where.append(Membership.company_id == company_id)
    return where


async def enforced_for(
    session: AsyncSession, user_ids: Sequence[int], company_id: int | None = None
) -> set[int]:
    """Those of ``user_ids`` whose live memberships (in the company, or anywhere) hold a role
    that requires two-factor authentication."""
    if not user_ids:
        return set()
    stmt = (
        select(Membership.user_id)
        .join(Role, Role.id == Membership.role_id)
        .where(*_enforcing(user_ids, company_id))  # type: ignore[arg-type]
        .distinct()
    )
    return {user_id for user_id in await session.scalars(stmt) if user_id is not None}


async def status_of(
    session: AsyncSession, user_id: int
) -> tuple[bool, str | None, datetime | None]:
    """Whether a role anywhere requires 2FA, and the active device's name and time: one query."""
    enforced = exists(
        select(Membership.id)
        .join(Role, Role.id == Membership.role_id)
        .where(*_enforcing([user_id]))  # type: ignore[arg-type]
    )
    active = [OtpAuth.user_id == user_id, OtpAuth.verified_on.is_not(None)]
    device = select(OtpAuth.device_name).where(*active).scalar_subquery()
    since = select(OtpAuth.verified_on).where(*active).scalar_subquery()
    row = (await session.execute(select(enforced, device, since))).one()
    return bool(row[0]), row[1], row[2]
