"""What the operator's commands do (`ixon-api users`, `token`; `invite` is in
app/invite_import.py), through the same service functions as the API: the same rules,
permission checks and e-mails.

Company-scoped commands act as a person of the company: the one named with ``--as``, else its
longest-standing administrator. Their permissions there are checked as for an API call.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.access_tokens.models import AccessToken
from app.access_tokens.schemas import AccessTokenCreate
from app.applications import service as application_service
from app.applications.models import Application
from app.audit import context as audit_context
from app.auth.context import AuthContext
from app.auth.permissions import Permission
from app.auth.ratelimit import LoginLimiter
from app.companies.models import Company
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import BadRequest, NotFound
from app.core.querying import MAX_PAGE_SIZE, ListParams, Page, parse_fields
from app.memberships import service as membership_service
from app.memberships.models import Membership
from app.roles.models import RolePermission
from app.users import service as user_service
from app.users.models import PERSON, User, normalize_email
from app.users.service import CompanyUser

T = TypeVar("T")
CLI_CLIENT = token_service.Client(ip=None, user_agent="ixon-api (command line)")


async def _first_admin(session: AsyncSession, company_id: str) -> User | None:
    """The person holding COMPANY_ADMIN through the company's oldest live membership."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .join(RolePermission, RolePermission.role_id == Membership.role_id)
        .where(
            Company.public_id == company_id,
            User.type == PERSON,
            RolePermission.permission == Permission.COMPANY_ADMIN.value,
            or_(Membership.expires_on.is_(None), Membership.expires_on > utcnow()),
        )
        .order_by(Membership.id)
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def acting_in(
    session: AsyncSession, company_id: str, as_email: str | None, needs: Permission
) -> AuthContext:
    """The context of a person of the company, as authentication would build it, holding
    ``needs`` (the permission the matching API route declares)."""
    if as_email is not None:
        user = await user_service.by_email(session, as_email)
        if user is None:
            raise NotFound(f"No account has the e-mail address {as_email}", "--as")
    else:
        user = await _first_admin(session, company_id)
        if user is None:
            raise NotFound(f"Company {company_id} not found, or it has no administrator")
    company, permissions = await membership_service.company_access(
        session, user, company_id, "--company"
    )
    # Neither row is ever added to the session: no token is issued for a command.
    application = Application(name="ixon-api (command line)")
    token = AccessToken(user_id=user.id, secret_hash="")
    auth = AuthContext(user, token, application, company, permissions)
    auth.assert_permission(needs)
    audit_context.identify(session, auth)
    return auth


async def pages(
    fetch: Callable[[ListParams], Awaitable[tuple[list[T], str | None]]],
    fields: str | None = None,
) -> AsyncIterator[T]:
    """Every row of a list service, a page at a time."""
    after: str | None = None
    while True:
        params = ListParams(
            fields=parse_fields([fields] if fields else None), page=Page(MAX_PAGE_SIZE, after)
        )
        rows, after = await fetch(params)
        for row in rows:
            yield row
        if after is None:
            return


USER_FIELDS = "publicId,name,emailAddress,type,support,registeredOn,lastSeenOn,memberships"


async def company_users(session: AsyncSession, auth: AuthContext) -> list[CompanyUser]:
    return [
        u
        async for u in pages(lambda p: user_service.list_in_company(session, auth, p), USER_FIELDS)
    ]


async def remove_users(session: AsyncSession, auth: AuthContext, who: list[str]) -> list[User]:
    """Takes the users named by e-mail address or publicId out of the company (all or none)."""
    users = await company_users(session, auth)
    by_key = {u.user.public_id: u.user for u in users} | {
        normalize_email(u.user.email_address): u.user for u in users if u.user.email_address
    }
    chosen: list[User] = []
    for name in who:
        user = by_key.get(name) or by_key.get(normalize_email(name))
        if user is None:
            raise NotFound(f"{name} is not a user of this company")
        chosen.append(user)
    await user_service.remove_from_company(session, auth, [u.public_id for u in chosen])
    return chosen


@dataclass(frozen=True, slots=True)
class IssuedToken:
    public_id: str
    secret: str
    expires_on: datetime | None
    application_id: str
    user_id: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "publicId": self.public_id,
            "secretId": self.secret,
            "expiresOn": self.expires_on.isoformat() if self.expires_on else None,
            "applicationId": self.application_id,
            "userId": self.user_id,
        }


async def create_token(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    expires_in: int,
    application_id: str | None,
    otp: str = "",
) -> IssuedToken:
    """A log-in as `POST /access-tokens` does it: same checks, same failed-log-in limits."""
    if application_id is not None:
        application = await application_service.get_enabled(session, application_id)
    else:
        found = await application_service.first_operator_application(session)
        if found is None:
            raise BadRequest("No application is registered: run `ixon-api application add NAME`")
        application = found
    credentials = base64.b64encode(f"{email}:{otp}:{password}".encode()).decode()
    try:
        body = AccessTokenCreate(expiresIn=expires_in)
    except ValueError:
        raise BadRequest("--expires-in must be between 60 and 5184000 seconds") from None
    limiter = LoginLimiter(settings)
    try:
        new = await token_service.log_in(
            session, limiter, application, f"Basic {credentials}", body, CLI_CLIENT
        )
    finally:
        await limiter.aclose()
    return IssuedToken(
        new.token.public_id,
        new.secret,
        new.token.expires_on,
        application.public_id,
        new.token.user.public_id,
    )
