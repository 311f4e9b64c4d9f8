"""The services' own messages, as the services write them, in the portal's languages (no
database: the messages are made by the functions that make them for the API)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.access_tokens.service import BAD_CREDENTIALS
from app.auth.ratelimit import WHAT, Secret, _refusal
from app.core.clock import utcnow
from app.core.errors import AppError, not_found
from app.core.passwords import TOO_COMMON
from app.email_changes.service import ADDRESS_TAKEN
from app.email_changes.service import WHAT as EMAIL_CHANGE
from app.i18n.catalogues import Translator
from app.invites.models import ACCEPTED, DECLINED, PENDING, REVOKED, Invite
from app.invites.status import finished_error
from app.portal.service_texts import MESSAGES, in_words

GERMAN = Translator("de")


def _message(error: AppError) -> str:
    return error.items[0].message


@pytest.mark.parametrize("kind", sorted(WHAT))
def test_every_throttled_form_says_so_with_its_seconds(kind: Secret) -> None:
    message = _message(_refusal(41.2, WHAT[kind], None))
    german = in_words(message, GERMAN)
    assert german != message and german.startswith("Zu viele") and "42 Sekunden" in german


def test_a_budget_of_requests_is_worded_too() -> None:
    message = _message(_refusal(3, "requests", None))
    assert in_words(message, Translator("fr")) == "Trop de demandes ; réessayez dans 3 secondes"


@pytest.mark.parametrize("status", [ACCEPTED, DECLINED, REVOKED, PENDING])
def test_why_an_invitation_cannot_be_used_any_more(status: str) -> None:
    expires = utcnow() + (timedelta(days=1) if status != PENDING else -timedelta(days=1))
    message = _message(finished_error(Invite(status=status, expires_on=expires)))
    dutch = in_words(message, Translator("nl"))
    assert dutch != message and dutch.startswith("Deze uitnodiging")


@pytest.mark.parametrize("what", ["Company", "Invite", "User", EMAIL_CHANGE])
def test_what_is_not_found(what: str) -> None:
    message = _message(not_found(what))
    assert in_words(message, GERMAN).endswith("nicht gefunden")


def test_the_constants_of_the_services_are_listed() -> None:
    assert {BAD_CREDENTIALS, ADDRESS_TAKEN, TOO_COMMON} <= set(MESSAGES)
    assert in_words(BAD_CREDENTIALS, GERMAN) == "Die E-Mail-Adresse oder das Passwort ist falsch"


def test_values_are_kept_and_an_unknown_message_stays_as_it_is() -> None:
    member = "(a+b)*@example.com is already a member of this company"
    assert in_words(member, GERMAN) == (
        "(a+b)*@example.com ist bereits Mitglied dieses Unternehmens"
    )
    odd = "Something no portal form can cause"
    assert in_words(odd, GERMAN) == odd
    assert in_words(member, Translator("en")) == member  # English reads as the API does
