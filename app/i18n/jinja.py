"""Jinja2 environments that speak a language: gettext's `_()` (the i18n extension, new style:
`{{ _("Hello %(name)s", name=name) }}` escapes the values, never the translation), and the
filters that format for the reader (`date`, from the `audience` in the context)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.i18n.audience import Audience
from app.i18n.catalogues import translations

EXTENSIONS = ["jinja2.ext.i18n"]


@pass_context
def _date(context: Context, value: datetime) -> str:
    audience = context.get("audience")
    return (audience if isinstance(audience, Audience) else Audience()).format_datetime(value)


def _strong(value: Any) -> Markup:
    """A value to stand out inside a translated sentence (HTML only)."""
    return Markup("<strong>%s</strong>") % escape(value)


def install(env: Environment, language: str) -> Environment:
    """Gives ``env`` (made with ``extensions=EXTENSIONS``) ``language``'s translations."""
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = _date
    env.filters["strong"] = _strong
    return env
