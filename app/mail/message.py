"""One e-mail, and its MIME form (multipart/alternative: plain text, then HTML).

- A plain-ASCII text part is sent as 7bit, not quoted-printable: a long link stays one line
  that can be copied from the raw message (quoted-printable would soft-wrap it with `=`).
- An address whose domain is not ASCII (`ada@bücher.example`) is written with its IDNA domain
  (`ada@xn--bcher-kva.example`), which every server understands; an encoded word is not valid
  in an address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from email_validator import EmailNotValidError, validate_email

from app.core.clock import utcnow
from app.mail.errors import InvalidMessage


def _single_line(name: str, value: str) -> str:
    if any(c in value for c in "\r\n\x00"):
        raise InvalidMessage(f"the {name} header may not contain a line break")
    return value


# The outbox's column sizes (RFC 5321's address and RFC 5322's line limits).
_LIMITS = {"to": 254, "sender_address": 254, "reply_to": 254, "sender_name": 255, "subject": 998}


@dataclass(frozen=True, slots=True)
class MailMessage:
    """What a sender needs; header values are checked here, before anything is stored."""

    to: str
    subject: str
    html: str
    text: str
    sender_address: str
    sender_name: str = ""
    reply_to: str | None = None
    # Set by the outbox from the row, so every retry of a message carries the same id.
    message_id: str | None = None

    def __post_init__(self) -> None:
        for name, value in (
            ("To", self.to),
            ("Subject", self.subject),
            ("From", self.sender_address),
            ("From", self.sender_name),
            ("Reply-To", self.reply_to or ""),
            ("Message-ID", self.message_id or ""),
        ):
            _single_line(name, value)
        too_long = [f for f, n in _LIMITS.items() if len(getattr(self, f) or "") > n]
        if too_long:
            raise InvalidMessage(f"too long: {', '.join(too_long)}")


# RFC 5322's limit for a line; 7bit text may not have longer ones.
_MAX_LINE = 998


def _ascii_domain(value: str) -> str:
    """``value`` with its domain in IDNA form (as is when the local part is not ASCII: that
    needs SMTPUTF8, and no spelling of the domain helps)."""
    if value.isascii():
        return value
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidMessage(f"not an e-mail address: {value!r}") from exc
    return checked.ascii_email or value


def _address(value: str, display_name: str = "") -> Address:
    try:
        return Address(display_name=display_name, addr_spec=_ascii_domain(value))
    except (ValueError, IndexError) as exc:
        raise InvalidMessage(f"not an e-mail address: {value!r}") from exc


def _text_encoding(text: str) -> str | None:
    """7bit for plain ASCII (links stay whole); None lets the library choose otherwise."""
    if text.isascii() and all(len(line) <= _MAX_LINE for line in text.splitlines()):
        return "7bit"
    return None


class _HeaderClasses(HeaderRegistry):
    """Python's registry makes a new class for every header it parses (a dozen a message);
    these are made once per header name."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_POLICY = SMTP.clone(header_factory=_HeaderClasses())


def to_email_message(message: MailMessage) -> EmailMessage:
    """The RFC 5322 message; refuses CR/LF in every header value (the policy checks it too)."""
    mime = EmailMessage(policy=_POLICY)
    mime["From"] = _address(message.sender_address, _single_line("From", message.sender_name))
    mime["To"] = _address(message.to)
    if message.reply_to:
        mime["Reply-To"] = _address(message.reply_to)
    mime["Subject"] = _single_line("Subject", message.subject)
    mime["Date"] = format_datetime(utcnow())
    if message.message_id:
        mime["Message-ID"] = _single_line("Message-ID", message.message_id)
    mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(
        message.text, subtype="plain", charset="utf-8", cte=_text_encoding(message.text)
    )
    mime.add_alternative(message.html, subtype="html", charset="utf-8")
    # A random boundary of our own: the generator's default one is checked against the whole
    # text with a regular expression compiled per message, a third of the cost of a small mail.
    mime.set_boundary(f"=_{secrets.token_hex(16)}")
    return mime


def envelope(message: MailMessage) -> tuple[str, list[str]]:
    """The SMTP envelope's sender and recipients: the From and To of `to_email_message`."""
    return _ascii_domain(message.sender_address), [_ascii_domain(message.to)]
