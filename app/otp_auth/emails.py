"""The 2FA notices (turned on, turned off, reset by an administrator): templates in
app/mail/templates, rendered in the branding of `Api-Branding`, queued in the outbox in the
caller's transaction."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from app.brandings import service as branding_service
from app.config import Settings
from app.core.clock import utcnow
from app.mail import outbox, renderer
from app.mail.message import MailMessage
from app.users.models import User

KINDS = ("otp_enabled", "otp_disabled", "otp_reset")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(renderer.TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["date"] = renderer.format_date
    env.filters["nl2br"] = lambda value: str(value or "")
    env.filters["quote"] = lambda value: str(value or "")
    return env


def render(kind: str, context: dict[str, Any]) -> renderer.RenderedMail:
    assert kind in KINDS, kind
    values = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in context.items()}
    env = _environment()
    text = env.get_template(f"{kind}.txt")
    subject = "".join(text.blocks["subject"](text.new_context(values)))
    values["subject"] = " ".join(subject.split())[: renderer.SUBJECT_MAX]
    return renderer.RenderedMail(
        subject=values["subject"],
        html=env.get_template(f"{kind}.html").render(values),
        text=text.render(values).strip() + "\n",
    )


async def notify(
    session: AsyncSession,
    settings: Settings,
    user: User,
    kind: str,
    branding_fqdn: str | None,
    **context: Any,
) -> None:
    """Queues ``kind`` to the account's address (none for an account without one)."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    if user.email_address is None:
        return
    mail_branding = branding.mail(settings)
    mail = render(
        kind, {"name": user.name, "changed_on": utcnow(), **context, "branding": mail_branding}
    )
    message = MailMessage(
        to=user.email_address,
        subject=mail.subject,
        html=mail.html,
        text=mail.text,
        sender_address=mail_branding.sender_address,
        sender_name=mail_branding.sender_name,
    )
    await outbox.enqueue(session, message, kind=kind, reference=user.public_id)
