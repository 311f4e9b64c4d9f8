"""Service accounts: accounts for integrations, created and deleted by a company.

Each one is a `service_account` user (no e-mail, no password) with its own Api-Application and
a non-expiring token bound to it (the token works with no other application). It joins its
company through a membership without a role in the company group, so it is listed in `/users`
and granted nothing until an administrator gives it a role through `/users/memberships`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.applications import service as application_service
from app.applications.models import Application
from app.auth.context import AuthContext
from app.core.errors import AppError, combine, not_found
from app.memberships import service as membership_service
from app.service_accounts.schemas import ServiceAccountCreate
from app.users import service as user_service
from app.users.models import SERVICE_ACCOUNT, User


@dataclass(frozen=True, slots=True)
class NewServiceAccount:
    user: User
    application: Application
    token: str


async def create_many(
    session: AsyncSession, auth: AuthContext, items: Sequence[ServiceAccountCreate]
) -> list[NewServiceAccount]:
    company = auth.company_or_raise
    created = []
    for item in items:
        user = await user_service.create_service_account(
            session, name=item.name, registered_by=auth.user
        )
        application = await application_service.add(session, item.name, owner_user_id=user.id)
        await membership_service.add_to_company_group(session, company, user)
        new = await token_service.issue(session, user, application, expires_in=None)
        created.append(NewServiceAccount(user, application, new.secret))
    await session.flush()
    return created


async def delete(
    session: AsyncSession, auth: AuthContext, public_ids: Sequence[str], *, bulk: bool = True
) -> None:
    """Deletes the service accounts entirely: the user, its application, tokens and memberships.
    Only this company's service accounts (a person, or another company's account, is not
    found); one whose role has permissions the caller lacks needs an administrator."""
    company = auth.company_or_raise
    found = await membership_service.members(session, company.id, public_ids, type_=SERVICE_ACCOUNT)
    errors: list[AppError] = [
        not_found("Service account").at_index(index)
        for index, public_id in enumerate(public_ids)
        if public_id not in found
    ]
    if errors:
        raise combine(errors, bulk=bulk)
    users = [found[public_id] for public_id in public_ids]
    await membership_service.assert_may_remove(session, auth, users, bulk=bulk)
    await user_service.delete_accounts(session, list({u.id: u for u in users}.values()))
