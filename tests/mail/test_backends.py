"""The console, file and memory backends."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import pytest

from app.mail.backends.console import ConsoleSender
from app.mail.backends.file import FileSender
from app.mail.backends.memory import MemorySender
from app.mail.message import MailMessage
from app.mail.sender import MailSender


def message(to: str = "ada@example.com") -> MailMessage:
    return MailMessage(
        to=to,
        subject="Join Acme",
        html="<p>Hello <b>Ada</b></p>",
        text="Hello Ada\nhttps://portal.test/invite/abc",
        sender_address="no-reply@ixon.test",
        sender_name="IXON Cloud",
    )


def test_every_backend_is_a_mail_sender(tmp_path: Path) -> None:
    senders: list[MailSender] = [ConsoleSender(), FileSender(tmp_path), MemorySender()]
    assert all(callable(s.send) for s in senders)


async def test_memory_collects() -> None:
    sender = MemorySender()
    await sender.send(message())
    await sender.send(message(to="bob@example.com"))
    assert [m.to for m in sender.outbox] == ["ada@example.com", "bob@example.com"]
    assert sender.to("ADA@example.com") == [message()]
    sender.clear()
    assert sender.outbox == []


async def test_file_writes_one_parseable_eml_per_message(tmp_path: Path) -> None:
    folder = tmp_path / "mail" / "out"
    sender = FileSender(folder)
    await sender.send(message())
    await sender.send(message(to="bob@example.com"))
    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(p["To"] for p in parsed) == ["ada@example.com", "bob@example.com"]
    first = parsed[0]
    assert first["Subject"] == "Join Acme"
    assert first.get_content_type() == "multipart/alternative"
    assert "Hello Ada" in first.get_body(("plain",)).get_content()  # type: ignore[attr-defined, union-attr]


async def test_console_prints_headers_and_text() -> None:
    stream = io.StringIO()
    await ConsoleSender(stream).send(message())
    printed = stream.getvalue()
    assert "To: ada@example.com" in printed
    assert "Subject: Join Acme" in printed
    assert "https://portal.test/invite/abc" in printed
    assert "<b>" not in printed


async def test_console_defaults_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    await ConsoleSender().send(message())
    assert "Subject: Join Acme" in capsys.readouterr().out
