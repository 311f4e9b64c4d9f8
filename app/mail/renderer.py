"""Renders a message kind with a branding into a subject, an HTML part and a text part.

HTML templates are autoescaped, so nothing a user typed (an invite message, a name) can become
markup; the subject is collapsed to one line, so nothing can become a header either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.core.clock import aware
from app.mail.branding import MailBranding

TEMPLATES = Path(__file__).parent / "templates"
SUBJECT_MAX = 250

_INVITE = frozenset({"inviter_name", "company_name", "link", "expires_on"})
# The context each kind needs; `message`, `name` and `changed_on` may always be left out.
KINDS: dict[str, frozenset[str]] = {
    "invite_existing_account": _INVITE,
    "invite_new_account": _INVITE,
    "registration_confirmation": frozenset({"link", "expires_on"}),
    "password_reset": frozenset({"link", "expires_on"}),
    "email_change_confirmation": frozenset({"link", "expires_on", "new_email"}),
    "email_change_notice": frozenset({"new_email"}),
    "password_changed": frozenset(),
}
OPTIONAL: dict[str, Any] = {"message": None, "name": None, "changed_on": None}
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    html: str
    text: str


def format_date(value: datetime) -> str:
    """`29 November 2026, 21:30 UTC`, the same whatever the process locale."""
    moment = aware(value).astimezone(UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"


def _nl2br(value: str | None) -> Markup:
    lines = str(value or "").splitlines()
    return Markup("<br>\n").join(escape(line) for line in lines)


def _quote(value: str | None) -> str:
    return "\n".join(f"> {line}".rstrip() for line in str(value or "").splitlines())


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # .html templates escape everything they insert; .txt ones are plain text.
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["date"] = format_date
    env.filters["nl2br"] = _nl2br
    env.filters["quote"] = _quote
    return env


def _checked_link(link: Any) -> str:
    value = str(link)
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError("a mail link must be an http(s) URL without spaces")
    return value


def _one_line(value: str) -> str:
    line = " ".join(value.split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1].rstrip() + "…"


def render(kind: str, branding: MailBranding, **context: Any) -> RenderedMail:
    """Raises ValueError for an unknown kind or a bad link, TypeError for missing context."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    missing = KINDS[kind] - context.keys()
    if missing:
        raise TypeError(f"mail kind {kind!r} needs {', '.join(sorted(missing))}")
    # Only the message may span lines; a name with a line break in it is shown on one line.
    inline = {k: " ".join(v.split()) for k, v in context.items() if isinstance(v, str)}
    values = {**OPTIONAL, **context, **inline, "branding": branding}
    values["message"] = context.get("message")
    if "link" in context:
        values["link"] = _checked_link(context["link"])
    env = _environment()
    text_template = env.get_template(f"{kind}.txt")
    subject_block = text_template.blocks["subject"](text_template.new_context(values))
    values["subject"] = _one_line("".join(subject_block))
    return RenderedMail(
        subject=values["subject"],
        html=env.get_template(f"{kind}.html").render(values),
        text=text_template.render(values).strip() + "\n",
    )
