"""Renders a message kind with a branding, in its reader's language, into a subject, an HTML
part and a text part.

HTML templates are autoescaped, so nothing a user typed (an invite message, a name) can become
markup; the subject is collapsed to one line, so nothing can become a header either. Every
visible word of a template is a `_()` string of the gettext catalogues (app/i18n); dates are
written for the reader's locale and time zone (`Audience`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.i18n import jinja
from app.i18n.audience import Audience
from app.i18n.catalogues import DEFAULT_LANGUAGE
from app.mail.branding import MailBranding

TEMPLATES = Path(__file__).parent / "templates"
SUBJECT_MAX = 250

_INVITE = frozenset({"inviter_name", "company_name", "link", "expires_on"})
# The context each kind needs; `message`, `name`, `changed_on` and `inviter_email` may always
# be left out.
KINDS: dict[str, frozenset[str]] = {
    "invite_existing_account": _INVITE,
    "invite_new_account": _INVITE,
    "registration_confirmation": frozenset({"link", "expires_on"}),
    "password_reset": frozenset({"link", "expires_on"}),
    "email_change_confirmation": frozenset({"link", "expires_on", "new_email"}),
    "email_change_notice": frozenset({"new_email"}),
    "password_changed": frozenset(),
    "otp_enabled": frozenset({"device_name"}),
    "otp_disabled": frozenset(),
    "otp_reset": frozenset({"admin_name", "company_name"}),
    "webhook_disabled": frozenset({"company_name", "url", "reason"}),
    "account_exists": frozenset({"link", "expires_on"}),  # someone tried to register it again
    "address_in_use": frozenset({"address"}),  # someone asked to move another account to it
}
OPTIONAL: dict[str, Any] = {
    "message": None,
    "name": None,
    "changed_on": None,
    "inviter_email": None,
}


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    html: str
    text: str


def format_date(value: datetime) -> str:
    """`29 November 2026, 21:30 UTC`: English, UTC (a reader's own: `Audience.format_datetime`)."""
    return Audience().format_datetime(value)


def _nl2br(value: str | None) -> Markup:
    lines = str(value or "").splitlines()
    return Markup("<br>\n").join(escape(line) for line in lines)


def _quote(value: str | None) -> str:
    return "\n".join(f"> {line}".rstrip() for line in str(value or "").splitlines())


@lru_cache(maxsize=32)
def environment(language: str, search_path: tuple[Path, ...] = (TEMPLATES,)) -> Environment:
    """The templates of ``search_path`` (first wins) in ``language``."""
    env = Environment(
        loader=FileSystemLoader(search_path),
        # .html templates escape everything they insert; .txt ones are plain text.
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=jinja.EXTENSIONS,
    )
    jinja.install(env, language)
    env.filters["nl2br"] = _nl2br
    env.filters["quote"] = _quote
    return env


def warm_up(languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)) -> None:
    """Compiles every kind's templates in ``languages`` (and loads the locale data dates are
    written with): a fraction of a second at start-up instead of in the first requests that
    send mail, such as a bulk invite. Only the default language by default: all four hold
    some 9 MB, and the others compile on first use."""
    for language in languages:
        env = environment(language)
        for kind in KINDS:
            env.get_template(f"{kind}.txt")
            env.get_template(f"{kind}.html")
        Audience(language).format_datetime(datetime(2026, 1, 1, tzinfo=UTC))


def _checked_link(link: Any) -> str:
    value = str(link)
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError("a mail link must be an http(s) URL without spaces")
    return value


def _one_line(value: str) -> str:
    line = " ".join(value.split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1].rstrip() + "…"


def render_kind(
    env: Environment,
    kind: str,
    branding: MailBranding,
    audience: Audience,
    needs: frozenset[str],
    context: dict[str, Any],
) -> RenderedMail:
    """``kind``.txt (with its `subject` block) and ``kind``.html from ``env``; the context
    checked against ``needs`` (TypeError) and its link (ValueError)."""
    missing = needs - context.keys()
    if missing:
        raise TypeError(f"mail kind {kind!r} needs {', '.join(sorted(missing))}")
    # Only the message may span lines; a name with a line break in it is shown on one line.
    inline = {k: " ".join(v.split()) for k, v in context.items() if isinstance(v, str)}
    values = {**OPTIONAL, **context, **inline, "branding": branding, "audience": audience}
    values["message"] = context.get("message")
    if "link" in context:
        values["link"] = _checked_link(context["link"])
    text_template = env.get_template(f"{kind}.txt")
    subject_block = text_template.blocks["subject"](text_template.new_context(values))
    values["subject"] = _one_line("".join(subject_block))
    values["lang"] = audience.language
    return RenderedMail(
        subject=values["subject"],
        html=env.get_template(f"{kind}.html").render(values),
        text=text_template.render(values).strip() + "\n",
    )


def render(
    kind: str, branding: MailBranding, *, audience: Audience | None = None, **context: Any
) -> RenderedMail:
    """Raises ValueError for an unknown kind or a bad link, TypeError for missing context.
    Without ``audience``: English, UTC."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    audience = audience or Audience()
    env = environment(audience.language)
    return render_kind(env, kind, branding, audience, KINDS[kind], context)
