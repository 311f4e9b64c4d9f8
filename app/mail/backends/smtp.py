"""Sends through an SMTP server (aiosmtplib): plain, STARTTLS or TLS, with optional AUTH."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from app.config import Settings
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage, envelope, to_email_message


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False
    timeout: float = 30
    ca_file: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout,
            ca_file=settings.smtp_ca_file,
        )

    def __repr__(self) -> str:  # the password never reaches a log line
        return f"SmtpConfig(host={self.host!r}, port={self.port}, username={self.username!r})"


class SmtpSender:
    """One SMTP connection, kept open from message to message (the outbox sends hundreds a
    second in a burst: a new connection and greeting each would cost more than the message).
    It is opened at the first send, closed by `close` (the worker calls it before it sleeps)
    and after any failure; one the server dropped while idle is opened again at once."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    def _new_client(self) -> aiosmtplib.SMTP:
        c = self.config
        return aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            username=c.username,
            password=c.password,
            use_tls=c.tls,
            # Never "upgrade if offered": with STARTTLS off we say so, on we insist.
            start_tls=c.starttls and not c.tls,
            cert_bundle=c.ca_file,
            timeout=c.timeout,
        )

    async def send(self, message: MailMessage) -> None:
        mime = to_email_message(message)
        sender, recipients = envelope(message)  # not parsed back out of the headers
        async with self._lock:
            try:
                await self._send(mime, sender, recipients)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                await self._drop()
                if all(500 <= refused.code < 600 for refused in exc.recipients):
                    raise PermanentMailError(str(exc)) from exc
                raise
            except BaseException:
                await self._drop()
                raise

    async def _send(self, mime: EmailMessage, sender: str, recipients: list[str]) -> None:
        client = self._client
        if client is not None and client.is_connected:
            try:
                await client.send_message(mime, sender=sender, recipients=recipients)
                return
            except aiosmtplib.SMTPServerDisconnected:
                # Most likely dropped while idle; at worst this one goes twice, with one
                # Message-ID (delivery is at least once anyway).
                pass
        await self._drop()
        client = self._client = self._new_client()
        await client.connect()
        await client.send_message(mime, sender=sender, recipients=recipients)

    async def close(self) -> None:
        async with self._lock:
            await self._drop()

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        if client.is_connected:
            try:
                await client.quit()
                return
            except (aiosmtplib.SMTPException, OSError):
                pass
        client.close()  # also the socket of a connect that failed half-way (TLS)
