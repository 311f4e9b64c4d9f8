"""One e-mail, and its MIME form (multipart/alternative: plain text, then HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

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


def _address(value: str, display_name: str = "") -> Address:
    try:
        return Address(display_name=display_name, addr_spec=value)
    except (ValueError, IndexError) as exc:
        raise InvalidMessage(f"not an e-mail address: {value!r}") from exc


def to_email_message(message: MailMessage) -> EmailMessage:
    """The RFC 5322 message; refuses CR/LF in every header value (the policy checks it too)."""
    mime = EmailMessage(policy=SMTP)
    mime["From"] = _address(message.sender_address, _single_line("From", message.sender_name))
    mime["To"] = _address(message.to)
    if message.reply_to:
        mime["Reply-To"] = _address(message.reply_to)
    mime["Subject"] = _single_line("Subject", message.subject)
    mime["Date"] = format_datetime(utcnow())
    if message.message_id:
        mime["Message-ID"] = _single_line("Message-ID", message.message_id)
    mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(message.text, subtype="plain", charset="utf-8")
    mime.add_alternative(message.html, subtype="html", charset="utf-8")
    return mime
