"""Chooses the mail backend from the settings: a built-in name or a ``module:Class`` path."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from app.config import Settings
from app.mail.sender import MailSender


class MailBackendError(ValueError):
    """IXON_MAIL_BACKEND names no usable backend."""


def _console(settings: Settings) -> MailSender:
    from app.mail.backends.console import ConsoleSender

    return ConsoleSender()


def _file(settings: Settings) -> MailSender:
    from app.mail.backends.file import FileSender

    return FileSender(settings.mail_dir)


def _smtp(settings: Settings) -> MailSender:
    from app.mail.backends.smtp import SmtpConfig, SmtpSender

    return SmtpSender(SmtpConfig.from_settings(settings))


def _memory(settings: Settings) -> MailSender:
    from app.mail.backends.memory import MemorySender

    return MemorySender()


BACKENDS: dict[str, Callable[[Settings], MailSender]] = {
    "console": _console,
    "file": _file,
    "smtp": _smtp,
    "memory": _memory,
}


def _import(path: str) -> Callable[[Settings], object]:
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MailBackendError(f"mail backend {path!r}: cannot import {module_name!r}") from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise MailBackendError(f"mail backend {path!r}: {module_name} has no {attribute!r}")
    return factory  # type: ignore[no-any-return]


def sender_from_settings(settings: Settings) -> MailSender:
    """The sender IXON_MAIL_BACKEND names; a ``module:Class`` is called with the settings."""
    name = settings.mail_backend.strip()
    if name in BACKENDS:
        return BACKENDS[name](settings)
    if ":" not in name:
        choices = ", ".join(BACKENDS)
        raise MailBackendError(
            f"unknown mail backend {name!r}: use one of {choices}, or a module:Class path"
        )
    sender = _import(name)(settings)
    if not callable(getattr(sender, "send", None)):
        raise MailBackendError(f"mail backend {name!r} has no send(message) method")
    return sender  # type: ignore[return-value]
