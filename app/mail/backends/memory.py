"""Keeps messages in a list (tests and demos)."""

from __future__ import annotations

from app.mail.message import MailMessage


class MemorySender:
    def __init__(self) -> None:
        self.outbox: list[MailMessage] = []

    async def send(self, message: MailMessage) -> None:
        self.outbox.append(message)

    def to(self, address: str) -> list[MailMessage]:
        return [m for m in self.outbox if m.to.lower() == address.lower()]

    def clear(self) -> None:
        self.outbox.clear()
