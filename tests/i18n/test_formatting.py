"""Choosing the reader's language, and writing dates their way (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.i18n.audience import Audience
from app.i18n.negotiation import accepted, choose
from app.mail.renderer import KINDS, render
from tests.mail.test_renderer import BRANDING, context_for

MOMENT = datetime(2026, 11, 29, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", ["de", "de", "en"]),
        ("en;q=0.5, fr-BE", ["fr", "en"]),
        ("nl;q=0, *;q=0.1", ["*"]),
        ("xx;q=bad, nl", ["nl"]),
        ("", []),
        (None, []),
    ],
)
def test_accept_language_is_read_by_weight(header: str | None, wanted: list[str]) -> None:
    assert accepted(header) == wanted


def test_the_first_candidate_with_a_catalogue_wins() -> None:
    assert choose("de", "nl", accept_language="fr") == "de"
    assert choose(None, "nl", accept_language="fr") == "nl"
    assert choose("es", None, accept_language="pt, fr;q=0.5") == "fr"  # no es, no pt
    assert choose(accept_language="de-AT") == "de"
    assert choose("es", accept_language="ja") == "en"


@pytest.mark.parametrize(
    ("audience", "written"),
    [
        (Audience(), "29 November 2026, 21:30 UTC"),
        (Audience("en", None, "Europe/Amsterdam"), "29 November 2026, 22:30 CET"),
        (Audience("en", "en_US", "America/New_York"), "November 29, 2026, 4:30\u202fPM EST"),
        (Audience("nl", None, "Europe/Amsterdam"), "29 november 2026, 22:30 CET"),
        (Audience("de", None, "Europe/Berlin"), "29. November 2026, 22:30 MEZ"),
        (Audience("fr", None, None), "29 novembre 2026, 21:30 TU"),
        # An account's locale of another language, or a zone that is no zone: the defaults.
        (Audience("de", "fr_FR", "Mars/Olympus"), "29. November 2026, 21:30 UTC"),
    ],
)
def test_dates_are_written_for_the_locale_and_time_zone(audience: Audience, written: str) -> None:
    assert audience.format_datetime(MOMENT) == written


def test_a_naive_stored_time_is_taken_as_utc() -> None:
    naive = MOMENT.replace(tzinfo=None)
    assert Audience("nl", None, "Europe/Amsterdam").format_datetime(naive).endswith("22:30 CET")


GREETING = {"en": "Hello Ada,", "nl": "Hallo Ada,", "de": "Hallo Ada,", "fr": "Bonjour Ada,"}
PASSWORD_RESET = {
    "en": "Reset your Acme Remote password",
    "nl": "Stel je wachtwoord voor Acme Remote opnieuw in",
    "de": "Setzen Sie Ihr Passwort für Acme Remote zurück",
    "fr": "Réinitialisez votre mot de passe Acme Remote",
}


@pytest.mark.parametrize("language", sorted(GREETING))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mail_is_written_in_each_language(kind: str, language: str) -> None:
    audience = Audience(language, None, "Europe/Amsterdam")
    mail = render(kind, BRANDING, audience=audience, **context_for(kind, name="Ada"))
    english = render(kind, BRANDING, **context_for(kind, name="Ada"))
    assert f'<html lang="{language}">' in mail.html
    if language != "en":
        assert mail.subject != english.subject and mail.text != english.text
    for part in (mail.text, mail.html, mail.subject):
        assert "%(" not in part and ")s" not in part  # every placeholder filled
    if kind != "invite_new_account":  # the one sent before the reader has a name
        assert GREETING[language] in mail.text
    if "expires_on" in KINDS[kind]:
        expected = audience.format_datetime(MOMENT)
        assert expected in mail.text and expected in mail.html
    if kind == "password_reset":
        assert mail.subject == PASSWORD_RESET[language]


def test_the_inviter_is_named_with_their_address() -> None:
    mail = render(
        "invite_new_account",
        BRANDING,
        audience=Audience("de"),
        **context_for("invite_new_account", inviter_email="grace@acme.test"),
    )
    assert "Grace Hopper (grace@acme.test) hat Sie eingeladen" in mail.text
    assert "Grace Hopper (grace@acme.test) hat Sie eingeladen" in mail.html
    assert "<strong>Acme Machines</strong>" in mail.html


def test_values_are_escaped_inside_translated_sentences() -> None:
    mail = render(
        "invite_existing_account",
        BRANDING,
        audience=Audience("fr"),
        **context_for("invite_existing_account", company_name="<b>Evil</b> & Co"),
    )
    assert "<b>Evil</b>" not in mail.html and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in mail.html
    assert "<b>Evil</b> & Co" in mail.text  # the text part is plain text
