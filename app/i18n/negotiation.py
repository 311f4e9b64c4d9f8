"""Which of our languages a reader gets: the first of the candidates we have a catalogue for
(an invite's `language`, then the account's, then the company's `defaultUserInviteLanguage`),
then the browser's `Accept-Language` (pages only), then English."""

from __future__ import annotations

from app.i18n.catalogues import DEFAULT_LANGUAGE, LANGUAGES


def _primary(tag: str) -> str:
    return tag.strip().replace("_", "-").split("-")[0].lower()


def accepted(header: str | None) -> list[str]:
    """The primary languages of an `Accept-Language` header, most wanted first (RFC 9110:
    q=0 means "not this one"; a malformed weight counts as 0)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:32]):
        tag, _, params = part.partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag.strip() and weight > 0:
            weighted.append((-weight, position, _primary(tag)))
    return [language for _, _, language in sorted(weighted)]


def choose(*candidates: str | None, accept_language: str | None = None) -> str:
    """The first candidate (then accepted language) we have a catalogue for; else English."""
    for candidate in (*candidates, *accepted(accept_language)):
        if candidate and _primary(candidate) in LANGUAGES:
            return _primary(candidate)
    return DEFAULT_LANGUAGE
