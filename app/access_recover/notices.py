"""E-mails about an existing account that the mail package has no template for.

``account_exists`` goes to an address someone tried to register again; ``address_in_use`` to an
address someone asked to move another account to. Both are rendered like the mail package's
kinds (its ``base.html``/``base.txt`` and macros, autoescaped HTML, one-line subject) and leave
through the same outbox.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from app.mail import outbox, renderer
from app.mail.branding import MailBranding
from app.mail.message import MailMessage
from app.mail.renderer import RenderedMail

TEMPLATES = Path(__file__).parent / "templates"
# The context each of our kinds needs (`name` may always be left out).
KINDS: dict[str, frozenset[str]] = {
    "account_exists": frozenset({"link", "expires_on"}),
    "address_in_use": frozenset({"address"}),
}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([TEMPLATES, renderer.TEMPLATES]),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["date"] = renderer.format_date
    # The mail package's macros use these; our templates do not (a plain line each).
    env.filters["nl2br"] = lambda value: Markup("<br>\n").join(
        escape(line) for line in str(value or "").splitlines()
    )
    env.filters["quote"] = lambda value: str(value or "")
    return env


def render(kind: str, branding: MailBranding, **context: Any) -> RenderedMail:
    """One of our kinds, or else one of the mail package's."""
    if kind not in KINDS:
        return renderer.render(kind, branding, **context)
    missing = KINDS[kind] - context.keys()
    if missing:
        raise TypeError(f"mail kind {kind!r} needs {', '.join(sorted(missing))}")
    inline = {k: " ".join(v.split()) for k, v in context.items() if isinstance(v, str)}
    values: dict[str, Any] = {"name": None, **context, **inline, "branding": branding}
    env = _environment()
    text_template = env.get_template(f"{kind}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(values)))
    values["subject"] = " ".join(subject.split())[: renderer.SUBJECT_MAX]
    return RenderedMail(
        subject=values["subject"],
        html=env.get_template(f"{kind}.html").render(values),
        text=text_template.render(values).strip() + "\n",
    )


async def send(
    session: AsyncSession,
    branding: MailBranding,
    *,
    to: str,
    kind: str,
    reference: str,
    **context: Any,
) -> None:
    """Renders ``kind`` and queues it in the caller's transaction (sent after the commit)."""
    mail = render(kind, branding, **context)
    message = MailMessage(
        to=to,
        subject=mail.subject,
        html=mail.html,
        text=mail.text,
        sender_address=branding.sender_address,
        sender_name=branding.sender_name,
    )
    await outbox.enqueue(session, message, kind=kind, reference=reference)
