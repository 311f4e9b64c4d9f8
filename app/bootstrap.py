"""A demo application, company and administrator for a fresh database (`make run`, CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens import service as token_service
from app.applications import service as application_service
from app.companies import service as company_service
from app.companies.schemas import CompanyCreate
from app.core import security
from app.core.errors import Conflict
from app.users import service as user_service
from app.users.models import User

DEMO_APPLICATION = "Demo application"
TOKEN_LIFETIME = 7 * 24 * 3600


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
    session: AsyncSession, *, company: str, email: str, password: str, name: str = "Administrator"
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
