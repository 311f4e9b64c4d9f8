"""Giving up on an endpoint: disabled (the audit log records it), its company's
administrators told by e-mail, all in the transaction that records the last attempt."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.brandings import service as branding_service
from app.companies.models import Company
from app.config import Settings
from app.i18n.audience import Audience
from app.mail import outbox, renderer
from app.mail.message import MailMessage
from app.memberships.models import Membership
from app.roles.models import RolePermission
from app.users.models import PERSON, User
from app.webhooks.models import WebhookEndpoint

REASON_MAX = 255


async def administrators(session: AsyncSession, company_id: int) -> list[User]:
    """The people holding COMPANY_ADMIN through a live membership of the company."""
    admins = (
        select(Membership.user_id)
        .join(RolePermission, RolePermission.role_id == Membership.role_id)
        .where(
            Membership.company_id == company_id,
            RolePermission.permission == Permission.COMPANY_ADMIN.value,
            Membership.live(),
        )
    )
    stmt = select(User).where(User.id.in_(admins), User.type == PERSON).order_by(User.id)
    return list(await session.scalars(stmt))


async def endpoint_disabled(
    session: AsyncSession, settings: Settings, endpoint: WebhookEndpoint, error: str | None
) -> None:
    reason = f"given up after failed deliveries: {error or 'no answer'}"[:REASON_MAX]
    await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id)
        .values(enabled=False, disabled_reason=reason)
        .execution_options(synchronize_session=False)
    )
    company = await session.get(Company, endpoint.company_id)
    if company is None:
        return
    branding = (await branding_service.resolve(session, settings, None)).mail(settings)
    for admin in await administrators(session, endpoint.company_id):
        if admin.email_address is None:
            continue
        mail = renderer.render(
            "webhook_disabled",
            branding,
            audience=Audience.of(admin),
            name=admin.name,
            company_name=company.name,
            url=endpoint.url,
            reason=error or "no answer",
        )
        message = MailMessage(
            to=admin.email_address,
            subject=mail.subject,
            html=mail.html,
            text=mail.text,
            sender_address=branding.sender_address,
            sender_name=branding.sender_name,
        )
        await outbox.enqueue(
            session,
            message,
            kind="webhook_disabled",
            reference=f"webhook-endpoint:{endpoint.public_id}",
        )
