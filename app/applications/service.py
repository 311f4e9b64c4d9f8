"""The Api-Application registry: operators register applications; requests must name one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.applications.models import Application
from app.applications.repository import ApplicationRepository
from app.auth.headers import unknown_application
from app.core.errors import NotFound


async def get_enabled(session: AsyncSession, public_id: str) -> Application:
    application = await ApplicationRepository(session).by_public_id(public_id)
    if application is None or not application.enabled:
        raise unknown_application()
    return application


async def add(session: AsyncSession, name: str, *, owner_user_id: int | None = None) -> Application:
    return await ApplicationRepository(session).add(
        Application(name=name, owner_user_id=owner_user_id)
    )


async def list_all(session: AsyncSession) -> list[Application]:
    return list(await session.scalars(select(Application).order_by(Application.id)))


async def set_enabled(session: AsyncSession, public_id: str, enabled: bool) -> Application:
    application = await ApplicationRepository(session).by_public_id(public_id)
    if application is None:
        raise NotFound(f"No application {public_id}")
    application.enabled = enabled
    await session.flush()
    return application


async def first_operator_application(session: AsyncSession) -> Application | None:
    """The oldest enabled application that is neither a service account's nor the service's
    own (bootstrap reuses it)."""
    stmt = (
        select(Application)
        .where(
            Application.owner_user_id.is_(None),
            Application.system_key.is_(None),
            Application.enabled.is_(True),
        )
        .order_by(Application.id)
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def system_application(session: AsyncSession, key: str, name: str) -> Application:
    """The service's own application ``key`` (the account portal's sign-ins are its tokens),
    made on first use. The unique key makes two processes doing that at once agree on one row.
    An operator may disable it like any other application."""
    found = await by_system_key(session, key)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            application = Application(name=name, system_key=key)
            session.add(application)
    except IntegrityError:  # made by another request meanwhile
        made = await by_system_key(session, key)
        assert made is not None
        return made
    return application


async def by_system_key(session: AsyncSession, key: str) -> Application | None:
    stmt = select(Application).where(Application.system_key == key)
    return (await session.scalars(stmt)).first()
