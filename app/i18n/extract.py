"""`make messages`: the strings of the code and templates into `messages.pot`, and every
catalogue updated from it (new strings added untranslated, gone ones dropped). English
entries are filled with their msgid, so its catalogue is complete and can reword them; the
others are for translators (tests/i18n names every string still missing).

Run as `python -m app.i18n.extract`; `extract()` is what the tests compare the .pot with.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.i18n.catalogues import DOMAIN, LANGUAGES, LOCALE_DIR, po_path

APP = Path(__file__).resolve().parents[1]
POT = LOCALE_DIR / f"{DOMAIN}.pot"
_JINJA = "jinja2.ext:babel_extract"
_JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true"}
METHODS = [
    ("**/templates/**.html", _JINJA),
    ("**/templates/**.txt", _JINJA),
    ("**.py", "python"),
]
OPTIONS = {"**/templates/**.html": _JINJA_OPTIONS, "**/templates/**.txt": _JINJA_OPTIONS}
# The catalogue files' header carries one fixed date, so they only change when their strings do.
_DATE = datetime(2026, 12, 1, tzinfo=UTC)


def _catalog(language: str | None = None) -> Catalog:
    return Catalog(
        locale=language,
        domain=DOMAIN,
        project="ixon-api",
        copyright_holder="the ixon-api authors",
        creation_date=_DATE,
        revision_date=_DATE,
        fuzzy=False,
    )


def extract() -> Catalog:
    """Every string marked in app/ (`_()`, `N_()`, `gettext`): the template of catalogues."""
    catalog = _catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        APP, METHODS, OPTIONS, strip_comment_tags=True
    ):
        catalog.add(
            message, None, [(f"app/{filename}", lineno)], auto_comments=comments, context=context
        )
    return catalog


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        # Sorted, without line numbers: a change elsewhere in a file leaves the catalogues be,
        # and two branches adding strings merge cleanly.
        write_po(
            handle, catalog, sort_output=True, include_lineno=False, omit_header=False, width=100
        )


def _updated(language: str, template: Catalog) -> Catalog:
    path = po_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
    else:
        catalog = _catalog(language)
    # update() adopts the template's new entries as they are: each catalogue gets its own.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    if language == "en":
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
    catalog.creation_date = catalog.revision_date = _DATE
    return catalog


def main() -> None:
    template = extract()
    _write(POT, template)
    for language in LANGUAGES:
        catalog = _updated(language, template)
        _write(po_path(language), catalog)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(
            f"{po_path(language).relative_to(APP.parent)}: {len(catalog)} strings, "
            f"{missing} untranslated"
        )
    print(f"{POT.relative_to(APP.parent)}: {len(template)} strings")


if __name__ == "__main__":
    main()
