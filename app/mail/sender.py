"""The one thing every mail backend does."""

from __future__ import annotations

from typing import Protocol

from app.mail.message import MailMessage


class MailSender(Protocol):
    async def send(self, message: MailMessage) -> None:
        """Deliver or raise: the outbox retries, except after a ``PermanentMailError``."""
        ...  # pragma: no cover
