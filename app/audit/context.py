"""Who is writing, from where, with which application: set once per unit of work by its entry
point (the request's session dependency and authentication, the command line), kept in the
session's ``info`` and read by the audit hook when the session flushes.

A session no entry point described (tests, migrations, set-up code) writes as ``SYSTEM``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from app.auth.context import AuthContext
    from app.users.models import User

KEY = "audit"


@dataclass(frozen=True, slots=True)
class Actor:
    """IXON's ``actor``: its ``type`` (one of IXON's values) and the resource acting."""

    type: str
    public_id: str
    name: str
    kind: str


ANONYMOUS = Actor("client", "anonymous", "Unauthenticated request", "Anonymous")
SYSTEM = Actor("support", "system", "ixon-api", "System")
OPERATOR = Actor("support", "operator", "Operator (ixon-api command line)", "Operator")
COMMAND_LINE = "ixon-api (command line)"


@dataclass(frozen=True, slots=True)
class AuditContext:
    actor: Actor = SYSTEM
    ip_address: str = ""
    application: str | None = None
    company: str | None = field(default=None)  # the `Api-Company` of the request, if any

    @property
    def anonymous(self) -> bool:
        return self.actor is ANONYMOUS


def _info(session: AsyncSession | Session) -> dict[str, object]:
    return session.info


def of(session: Session) -> AuditContext:
    found = session.info.get(KEY)
    return found if isinstance(found, AuditContext) else AuditContext()


def _update(session: AsyncSession | Session, **changes: object) -> None:
    info = _info(session)
    current = info.get(KEY)
    base = current if isinstance(current, AuditContext) else AuditContext()
    info[KEY] = replace(base, **changes)  # type: ignore[arg-type]


def begin_request(session: AsyncSession, ip_address: str | None) -> None:
    """A request starts anonymous; authentication names the caller."""
    _update(session, actor=ANONYMOUS, ip_address=ip_address or "")


def actor_of(user: User) -> Actor:
    return client_actor(user.public_id, user.name, user.type)


def client_actor(public_id: str, name: str | None, user_type: str) -> Actor:
    kind = "ServiceAccount" if user_type == "service_account" else "User"
    return Actor("client", public_id, name or public_id, kind)


def identify(session: AsyncSession, auth: AuthContext) -> None:
    """The authenticated caller, the application used and the company of `Api-Company`."""
    company = auth.company.public_id if auth.company is not None else None
    _update(session, actor=actor_of(auth.user), application=auth.application.name, company=company)


def identify_as(
    session: AsyncSession, actor: Actor, application: str | None, company: str | None
) -> None:
    """``identify`` from plain values (the read path builds no ORM objects)."""
    _update(session, actor=actor, application=application, company=company)


def application(session: AsyncSession, name: str) -> None:
    _update(session, application=name)


def command_line(session: AsyncSession) -> None:
    """The `ixon-api` command; a company command then acts as a person (``identify``)."""
    _update(session, actor=OPERATOR, application=COMMAND_LINE)
