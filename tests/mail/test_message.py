"""MailMessage and its MIME form: one recipient, no line breaks in headers, two parts."""

from __future__ import annotations

import email
import email.policy

import pytest

from app.mail.errors import InvalidMessage, PermanentMailError
from app.mail.message import MailMessage, to_email_message


def build(**changes: str) -> MailMessage:
    values = {
        "to": "ada@example.com",
        "subject": "Hello",
        "html": "<p>Hi</p>",
        "text": "Hi",
        "sender_address": "no-reply@ixon.test",
        "sender_name": "IXON Cloud",
    }
    return MailMessage(**{**values, **changes})


def test_multipart_alternative_text_then_html() -> None:
    mime = to_email_message(build(subject="Grüße"))
    parsed = email.message_from_bytes(bytes(mime), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == "Grüße"
    assert parsed["From"] == "IXON Cloud <no-reply@ixon.test>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    plain, html = parsed.iter_parts()  # type: ignore[attr-defined]
    assert plain.get_content().strip() == "Hi"
    assert html.get_content().strip() == "<p>Hi</p>"


@pytest.mark.parametrize("field", ["to", "subject", "sender_name", "sender_address", "reply_to"])
@pytest.mark.parametrize("bad", ["x\r\nBcc: evil@example.com", "x\nBcc: evil@example.com"])
def test_a_line_break_in_a_header_is_refused(field: str, bad: str) -> None:
    with pytest.raises(InvalidMessage, match="line break"):
        build(**{field: bad})


@pytest.mark.parametrize("to", ["ada@example.com, eve@example.com", "not an address", ""])
def test_one_valid_recipient(to: str) -> None:
    with pytest.raises(InvalidMessage):
        to_email_message(build(to=to))


def test_an_invalid_message_is_a_permanent_error() -> None:
    assert issubclass(InvalidMessage, PermanentMailError)
    assert issubclass(InvalidMessage, ValueError)


@pytest.mark.parametrize("change", [{"subject": "x" * 999}, {"to": "a" * 250 + "@example.com"}])
def test_too_long_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(InvalidMessage, match="too long"):
        build(**change)
