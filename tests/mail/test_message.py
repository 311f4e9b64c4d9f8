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


LONG_LINK = "https://portal.example.test/portal/invites/" + "A1b2C3d4" * 6 + "?lang=de&x=1"


def test_a_plain_ascii_text_part_keeps_its_links_whole_in_the_raw_message() -> None:
    raw = bytes(to_email_message(build(text=f"Open the link:\n{LONG_LINK}\n")))
    assert LONG_LINK.encode() in raw  # copied from the raw .eml, it works
    plain = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",))
    assert plain is not None and plain["Content-Transfer-Encoding"] == "7bit"


def test_a_text_part_that_is_not_ascii_arrives_as_written() -> None:
    text = f"Grüße, öffnen Sie den Link:\n{LONG_LINK}\n"
    raw = bytes(to_email_message(build(text=text)))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    plain = parsed.get_body(("plain",))
    assert plain is not None and plain.get_content().splitlines() == text.splitlines()


def test_a_non_ascii_domain_is_written_as_idna_not_as_an_encoded_word() -> None:
    raw = bytes(to_email_message(build(to="ada@bücher.example", reply_to="x@münchen.example")))
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"To: ada@xn--bcher-kva.example\r\n" in headers
    assert b"Reply-To: x@xn--mnchen-3ya.example\r\n" in headers
    assert b"=?utf-8?" not in headers.split(b"Subject:")[0]
