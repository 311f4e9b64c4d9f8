"""The SMTP backend against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import aiosmtplib
import pytest

from app.config import Settings
from app.mail.backends.smtp import SmtpConfig, SmtpSender
from app.mail.errors import PermanentMailError
from app.mail.message import MailMessage
from tests.mail.smtpd import (
    PASSWORD,
    USERNAME,
    Certificate,
    StartSmtp,
    authenticator,
    free_port,
)


def message(to: str = "ada@example.com") -> MailMessage:
    return MailMessage(
        to=to,
        subject="Join Acme on IXON Cloud",
        html="<p>Hello</p>",
        text="Hello",
        sender_address="no-reply@ixon.test",
        sender_name="IXON Cloud",
        reply_to="admin@acme.test",
        message_id="<outbox.abc@ixon.test>",
    )


_made: list[SmtpSender] = []


@pytest.fixture(autouse=True)
async def _close_senders(smtp_server: StartSmtp) -> AsyncIterator[None]:
    """A sender keeps its connection open between messages; each test's are closed after it,
    before its servers stop."""
    yield
    while _made:
        await _made.pop().close()


def sender(port: int, **options: object) -> SmtpSender:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5, **options)  # type: ignore[arg-type]
    made = SmtpSender(SmtpConfig.from_settings(settings))
    _made.append(made)
    return made


async def test_plain_delivery_with_headers(smtp_server: StartSmtp) -> None:
    server = await smtp_server()
    await sender(server.port).send(message())
    [got] = await server.recorder.wait_for(1)
    assert got.mail_from == "no-reply@ixon.test"
    assert got.rcpt_tos == ["ada@example.com"]
    mime = got.message
    assert mime["From"] == "IXON Cloud <no-reply@ixon.test>"
    assert mime["To"] == "ada@example.com"
    assert mime["Reply-To"] == "admin@acme.test"
    assert mime["Subject"] == "Join Acme on IXON Cloud"
    assert mime["Message-ID"] == "<outbox.abc@ixon.test>"
    assert mime["Date"]
    assert mime.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mime.iter_parts()] == ["text/plain", "text/html"]
    assert not got.tls


async def test_one_connection_carries_many_messages_until_closed(smtp_server: StartSmtp) -> None:
    server = await smtp_server()
    smtp = sender(server.port)
    for n in range(3):
        await smtp.send(message(f"reader{n}@example.com"))
    await smtp.close()
    await smtp.send(message("after@example.com"))
    got = await server.recorder.wait_for(4)
    assert [g.rcpt_tos for g in got][-1] == ["after@example.com"]
    assert len({g.peer for g in got[:3]}) == 1
    assert got[3].peer != got[0].peer


async def test_a_refused_recipient_leaves_the_next_message_deliverable(
    smtp_server: StartSmtp,
) -> None:
    server = await smtp_server()
    smtp = sender(server.port)
    await smtp.send(message("first@example.com"))
    with pytest.raises(PermanentMailError):
        await smtp.send(message("nobody@refused.example"))
    await smtp.send(message("next@example.com"))
    got = await server.recorder.wait_for(2)
    assert [g.rcpt_tos for g in got] == [["first@example.com"], ["next@example.com"]]


async def test_auth_with_username_and_password(smtp_server: StartSmtp) -> None:
    # AUTH offered on a plain connection (aiosmtpd warns when it is required there).
    server = await smtp_server(authenticator=authenticator, auth_require_tls=False)
    await sender(server.port, smtp_username=USERNAME, smtp_password=PASSWORD).send(message())
    [got] = await server.recorder.wait_for(1)
    assert got.authenticated


async def test_wrong_password_is_an_error_to_retry(smtp_server: StartSmtp) -> None:
    server = await smtp_server(authenticator=authenticator, auth_require_tls=False)
    smtp = sender(server.port, smtp_username=USERNAME, smtp_password="wrong")
    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as caught:
        await smtp.send(message())
    assert not isinstance(caught.value, PermanentMailError)
    assert "wrong" not in str(caught.value)
    assert server.recorder.received == []


async def test_starttls_with_auth(smtp_server: StartSmtp, certificate: Certificate) -> None:
    server = await smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    smtp = sender(
        server.port,
        smtp_starttls=True,
        smtp_ca_file=str(certificate.cert_file),
        smtp_username=USERNAME,
        smtp_password=PASSWORD,
    )
    await smtp.send(message())
    [got] = await server.recorder.wait_for(1)
    assert got.tls
    assert got.authenticated


async def test_starttls_refuses_an_untrusted_certificate(
    smtp_server: StartSmtp, certificate: Certificate
) -> None:
    server = await smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    with pytest.raises((aiosmtplib.SMTPException, ssl.SSLError), match="CERTIFICATE_VERIFY_FAILED"):
        await sender(server.port, smtp_starttls=True).send(message())
    assert server.recorder.received == []


async def test_direct_tls(smtp_server: StartSmtp, certificate: Certificate) -> None:
    server = await smtp_server(
        ssl_context=certificate.server_context(), server_hostname="localhost"
    )
    smtp = sender(server.port, smtp_tls=True, smtp_ca_file=str(certificate.cert_file))
    await smtp.send(message())
    [got] = await server.recorder.wait_for(1)
    assert got.tls


async def test_a_refused_recipient_is_permanent(smtp_server: StartSmtp) -> None:
    server = await smtp_server()
    with pytest.raises(PermanentMailError, match="No such user"):
        await sender(server.port).send(message(to="nobody@refused.example"))


async def test_server_down_is_an_error_to_retry() -> None:
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await sender(free_port()).send(message())


def test_config_repr_hides_the_password() -> None:
    config = SmtpConfig.from_settings(Settings(smtp_username="u", smtp_password="hunter2"))
    assert "hunter2" not in repr(config)
