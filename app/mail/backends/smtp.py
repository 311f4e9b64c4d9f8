"""Sends through an SMTP server (aiosmtplib): plain, STARTTLS or TLS, with optional AUTH."""

from __future__ import annotations

from dataclasses import dataclass

import aiosmtplib

from app.config import Settings
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage, to_email_message


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
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: MailMessage) -> None:
        c = self.config
        try:
            await aiosmtplib.send(
                to_email_message(message),
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
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(500 <= refused.code < 600 for refused in exc.recipients):
                raise PermanentMailError(str(exc)) from exc
            raise
