"""Choosing the backend: a built-in name or a module:Class path."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.mail.backends.console import ConsoleSender
from app.mail.backends.file import FileSender
from app.mail.backends.memory import MemorySender
from app.mail.backends.smtp import SmtpSender
from app.mail.message import MailMessage
from app.mail.registry import MailBackendError, sender_from_settings


class CustomSender:
    """A third-party backend: a class that takes the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: MailMessage) -> None:
        return None


class NotASender:
    def __init__(self, settings: Settings) -> None:
        pass


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("console", ConsoleSender),
        ("file", FileSender),
        ("smtp", SmtpSender),
        ("memory", MemorySender),
        (" memory ", MemorySender),
    ],
)
def test_built_in_names(name: str, kind: type, tmp_path: Path) -> None:
    assert isinstance(sender_from_settings(Settings(mail_backend=name)), kind)


def test_file_backend_uses_the_mail_dir(tmp_path: Path) -> None:
    sender = sender_from_settings(Settings(mail_backend="file", mail_dir=str(tmp_path)))
    assert isinstance(sender, FileSender)
    assert sender.directory == tmp_path


def test_smtp_backend_takes_the_smtp_settings() -> None:
    settings = Settings(mail_backend="smtp", smtp_host="mail.test", smtp_port=2525)
    sender = sender_from_settings(settings)
    assert isinstance(sender, SmtpSender)
    assert (sender.config.host, sender.config.port) == ("mail.test", 2525)


def test_module_class_path_gets_the_settings() -> None:
    settings = Settings(mail_backend="tests.mail.test_registry:CustomSender")
    sender = sender_from_settings(settings)
    assert isinstance(sender, CustomSender)
    assert sender.settings is settings


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("sendgrid", "unknown mail backend 'sendgrid': use one of console, file, smtp, memory"),
        ("no.such.module:Sender", "cannot import 'no.such.module'"),
        ("tests.mail.test_registry:Missing", "has no 'Missing'"),
        ("tests.mail.test_registry:NotASender", "has no send(message) method"),
    ],
)
def test_a_bad_backend_is_a_clear_error(name: str, error: str) -> None:
    with pytest.raises(MailBackendError) as caught:
        sender_from_settings(Settings(mail_backend=name))
    assert error in str(caught.value)
