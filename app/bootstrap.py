"""A demo application, company and administrator for a fresh database (`make run`, CLI), and
what exists already (`ixon-api bootstrap --show`, `ixon-api company list`): the ids a
newcomer needs again after the first screen has scrolled away."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.applications import service as application_service
from app.auth.permissions import Permission
from app.companies import service as company_service
from app.companies.models import Company
from app.companies.schemas import CompanyCreate
from app.core import security
from app.core.errors import Conflict
from app.memberships.models import Membership
from app.roles.models import RolePermission
from app.users import service as user_service
from app.users.models import PERSON, User

DEMO_APPLICATION = "Demo application"
DEMO_EMAIL = "admin@example.com"
# A person's name: it signs the invitations ("Ada Lovelace has invited you").
DEMO_NAME = "Ada Lovelace"
TOKEN_LIFETIME = 7 * 24 * 3600


def name_for(email: str) -> str:
    """The demo's name for the demo address; else one made from the address (`jane.doe@` is
    Jane Doe), so that an operator who left out --name still reads as a person."""
    if email.strip().lower() == DEMO_EMAIL:
        return DEMO_NAME
    local = email.split("@", 1)[0]
    words = [w for w in local.replace("_", ".").replace("-", ".").replace("+", ".").split(".") if w]
    return " ".join(w.capitalize() for w in words) or DEMO_NAME


@dataclass(frozen=True, slots=True)
class Bootstrapped:
    application_id: str
    company_id: str
    user_id: str
    email: str
    access_token: str

    def as_json(self) -> dict[str, str]:
        return {
            "applicationId": self.application_id,
            "companyId": self.company_id,
            "userId": self.user_id,
            "email": self.email,
            "accessToken": self.access_token,
        }


async def is_empty(session: AsyncSession) -> bool:
    return (await session.scalar(select(func.count()).select_from(User))) == 0


async def bootstrap(
    session: AsyncSession, *, company: str, email: str, password: str, name: str = DEMO_NAME
) -> Bootstrapped:
    """Reuses the first operator application; a known e-mail must come with its password."""
    application = await application_service.first_operator_application(session)
    if application is None:
        application = await application_service.add(session, DEMO_APPLICATION)
    user = await user_service.by_email(session, email)
    if user is None:
        user = await user_service.create_person(session, email=email, name=name, password=password)
    elif not await security.verify_password(user.password_hash, password):
        raise Conflict(f"{email} has an account already, with another password", "email")
    created = await company_service.create(session, user, CompanyCreate(name=company))
    new = await token_service.issue(session, user, application, expires_in=TOKEN_LIFETIME)
    return Bootstrapped(
        application.public_id,
        created.public_id,
        user.public_id,
        user.email_address or email,
        new.secret,
    )


@dataclass(slots=True)
class CompanySummary:
    public_id: str
    name: str
    administrators: list[str] = field(default_factory=list)
    users: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "companyId": self.public_id,
            "name": self.name,
            "administrators": self.administrators,
            "users": self.users,
        }


async def companies(session: AsyncSession) -> list[CompanySummary]:
    """Every company, oldest first, with its administrators' addresses and its user count."""
    found = {
        c.public_id: CompanySummary(c.public_id, c.name)
        for c in await session.scalars(select(Company).order_by(Company.id))
    }
    live = Membership.live()
    counts = select(Company.public_id, func.count(distinct(Membership.user_id))).join(
        Membership, Membership.company_id == Company.id
    )
    for public_id, users in await session.execute(counts.where(live).group_by(Company.public_id)):
        found[public_id].users = int(users)
    admins = (
        select(Company.public_id, User.email_address)
        .join(Membership, Membership.company_id == Company.id)
        .join(User, User.id == Membership.user_id)
        .join(RolePermission, RolePermission.role_id == Membership.role_id)
        .where(
            live, User.type == PERSON, RolePermission.permission == Permission.COMPANY_ADMIN.value
        )
        .distinct()
        .order_by(Company.public_id, User.email_address)
    )
    for public_id, address in await session.execute(admins):
        found[public_id].administrators.append(str(address))
    return list(found.values())
