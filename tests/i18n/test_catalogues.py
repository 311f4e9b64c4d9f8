"""The catalogues are complete and current: a string in a template or in the code without a
translation in every language, or a `.pot` older than the templates, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n.catalogues import LANGUAGES, po_path, translations
from app.i18n.extract import APP, POT, extract

TEMPLATES = sorted(
    path
    for folder in APP.glob("**/templates")
    for path in folder.glob("**/*")
    if path.suffix in (".html", ".txt")
)


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _ids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def test_the_pot_is_current_with_the_templates_and_the_code() -> None:
    """`make messages` was run after the last change to a marked string."""
    extracted, committed = _ids(extract()), _ids(_read(POT))
    assert extracted - committed == set(), "new strings: run `make messages` and translate"
    assert committed - extracted == set(), "strings gone from the code: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_in_every_catalogue(language: str) -> None:
    catalog = _read(po_path(language), language)
    assert _ids(catalog) == _ids(_read(POT)), "run `make messages`"
    untranslated = sorted(str(m.id) for m in catalog if m.id and not m.string)
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert untranslated == [], f"{language}: no translation for {untranslated}"
    assert fuzzy == [], f"{language}: fuzzy (unchecked) translations for {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    """`%(company)s` in the English must be in the translation (and nothing else added)."""
    problems = [
        (str(message.id), [str(e) for e in errors])
        for message, errors in _read(po_path(language), language).check()
    ]
    assert problems == []
    for message in _read(po_path(language), language):
        if message.id:
            wanted = sorted(re.findall(r"%\(\w+\)s", str(message.id)))
            assert sorted(re.findall(r"%\(\w+\)s", str(message.string))) == wanted, message.id


def test_the_languages_differ_from_english() -> None:
    """A catalogue that is a copy of the English one is not a translation."""
    english = {str(m.id): str(m.string) for m in _read(po_path("en"), "en") if m.id}
    assert all(english[key] == key for key in english)  # English may reword, but does not
    for language in set(LANGUAGES) - {"en"}:
        catalog = {str(m.id): str(m.string) for m in _read(po_path(language), language) if m.id}
        same = [k for k, v in catalog.items() if v == k and not re.fullmatch(r"[\W\w]{0,6}", k)]
        # Only a few short words are spelt the same ("Name", "%(name)s (%(address)s)").
        assert len(same) <= 3, f"{language}: {same}"


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>|&[a-z]+;", re.S)


def _literal_text(path: Path) -> list[str]:
    """The words a reader sees that are written in the template itself: everything outside
    Jinja's tags (which become a digit here), minus the HTML markup."""
    source = _JINJA.sub("0", path.read_text(encoding="utf-8"))
    if path.suffix == ".html":
        source = _MARKUP.sub(" ", source)
    return re.findall(r"[^\W\d_]+", source)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(APP)))
def test_every_visible_word_of_a_template_goes_through_the_catalogues(path: Path) -> None:
    """Text outside `{{ _("...") }}` would be shown in English to every reader."""
    assert _literal_text(path) == []


def test_an_unknown_language_reads_english() -> None:
    assert translations("es").gettext("Hello,") == "Hello,"
    assert translations("de").gettext("Hello,") == "Hallo,"
