"""The gettext catalogues: `locale/<language>/LC_MESSAGES/messages.po`, one per language.

The .po files are the only catalogue files in the repository. Each is compiled in memory
(Babel) the first time its language is needed, so there is no .mo file to build at install
time or to forget to rebuild: a clean `pip install -e .`, the wheel and the image carry the
.po files as package data, and what they say is what is shown. `make messages` extracts the
strings of the code and templates into `messages.pot` and updates every catalogue
(app/i18n/extract.py); tests/i18n fail when a catalogue lacks a translation or the .pot is
stale.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# IXON's home markets. English is the language of the msgids (its catalogue may reword them).
LANGUAGES = ("en", "nl", "de", "fr")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language``; untranslated strings stay English."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "marked, translated later"
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


class Translator:
    """``_("Ask %(who)s to send it again", who=name)``: the translation, then the values."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._catalogue = translations(self.language)

    def __call__(self, message: str, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text % values if values else text
