"""Who reads a message or page: their language, locale and time zone, and what follows
from them (the translations, and dates written the way they write them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime

from app.core.clock import aware
from app.i18n.catalogues import DEFAULT_LANGUAGE, Translator
from app.i18n.negotiation import choose

# The locale whose conventions a language's dates follow when the account names none.
# (English is British English: IXON's readers are mostly in Europe: 29 November, 21:30.)
DEFAULT_LOCALES = {"en": "en_GB", "nl": "nl_NL", "de": "de_DE", "fr": "fr_FR"}


class Person(Protocol):
    """An account or an invitation's account-to-be: anything with these three."""

    @property
    def language(self) -> str | None: ...
    @property
    def localisation(self) -> str | None: ...
    @property
    def time_zone(self) -> str | None: ...


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _locale(language: str, localisation: str | None) -> Locale:
    """The account's own locale (`nl_BE`) when it is of ``language``; else the default."""
    if localisation:
        try:
            own = Locale.parse(localisation.replace("-", "_"))
            if own.language == language:
                return own
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(DEFAULT_LOCALES.get(language, DEFAULT_LOCALES[DEFAULT_LANGUAGE]))


@dataclass(frozen=True, slots=True)
class Audience:
    language: str = DEFAULT_LANGUAGE
    localisation: str | None = None
    time_zone: str | None = None

    @classmethod
    def of(cls, person: Person | None, *fallbacks: str | None) -> Audience:
        """``person``'s language (else the first of ``fallbacks`` we have), locale, zone."""
        if person is None:
            return cls(choose(*fallbacks))
        return cls(choose(person.language, *fallbacks), person.localisation, person.time_zone)

    @property
    def translate(self) -> Translator:
        return Translator(self.language)

    def format_datetime(self, value: datetime) -> str:
        """`29 November 2026, 22:30 CET`, `29. November 2026, 22:30 MEZ`: the locale's long
        date, its short time and the zone, in the reader's time zone (UTC if none)."""
        locale = _locale(self.language, self.localisation)
        pattern = (
            str(locale.datetime_formats["long"])
            .replace("{1}", locale.date_formats["long"].pattern)
            .replace("{0}", f"{locale.time_formats['short'].pattern} z")
        )
        return format_datetime(aware(value), pattern, tzinfo=_zone(self.time_zone), locale=locale)
