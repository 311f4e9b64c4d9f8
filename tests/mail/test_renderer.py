"""Templates: every kind renders branded, escaped, with a one-line subject."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from typing import Any

import pytest

from app.config import Settings
from app.mail.branding import MailBranding, default_branding
from app.mail.message import MailMessage, to_email_message
from app.mail.renderer import KINDS, format_date, render

EXPIRES = datetime(2026, 11, 29, 21, 30, tzinfo=UTC)
LINK = "https://portal.acme.test/invite/Tok3n?x=1&y=2"
BRANDING = MailBranding(
    product_name="Acme Remote",
    portal_url="https://portal.acme.test",
    sender_address="robot@acme.test",
    sender_name="Acme Robot",
    logo_url="https://cdn.acme.test/logo.png",
    primary_color="#AA3300",
    primary_text_color="#FFFFFF",
)
CONTEXT: dict[str, Any] = {
    "inviter_name": "Grace Hopper",
    "company_name": "Acme Machines",
    "link": LINK,
    "expires_on": EXPIRES,
    "new_email": "ada.new@example.com",
    "changed_on": EXPIRES,
    "device_name": "Ada's phone",
    "admin_name": "Grace Hopper",
    "url": "https://hooks.example.com/ixon",
    "reason": "HTTP 503: Service Unavailable",
    "address": "ada@example.com",
}


def context_for(kind: str, **extra: Any) -> dict[str, Any]:
    return {**{k: CONTEXT[k] for k in KINDS[kind] | {"changed_on"} if k in CONTEXT}, **extra}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_branded(kind: str) -> None:
    mail = render(kind, BRANDING, **context_for(kind))
    assert mail.subject and "\n" not in mail.subject and "\r" not in mail.subject
    assert "Acme Remote" in mail.subject
    for part in (mail.html, mail.text):
        assert "Acme Remote" in part
        assert "https://portal.acme.test" in part
    assert '<html lang="en">' in mail.html
    assert f"<title>{mail.subject}</title>" in mail.html.replace("&amp;", "&")
    assert '<img src="https://cdn.acme.test/logo.png" alt="Acme Remote"' in mail.html
    assert "background-color:#AA3300" in mail.html
    assert "color:#FFFFFF" in mail.html
    if "link" in KINDS[kind]:
        # A button and the raw link beside it, in HTML; the raw link in text.
        assert mail.html.count('href="https://portal.acme.test/invite/Tok3n?x=1&amp;y=2"') == 2
        assert LINK in mail.text
    if "expires_on" in KINDS[kind]:
        assert "29 November 2026, 21:30 UTC" in mail.html
        assert "29 November 2026, 21:30 UTC" in mail.text


@pytest.mark.parametrize("kind", ["invite_existing_account", "invite_new_account"])
def test_invites_carry_inviter_company_message_expiry_and_link(kind: str) -> None:
    mail = render(kind, BRANDING, **context_for(kind, message="Welcome aboard!\nSee you"))
    for part in (mail.html, mail.text):
        assert "Grace Hopper" in part
        assert "Acme Machines" in part
        assert "Welcome aboard!" in part
    assert "Welcome aboard!<br>\nSee you" in mail.html
    assert "> Welcome aboard!\n> See you" in mail.text
    assert mail.subject == "Grace Hopper invited you to join Acme Machines on Acme Remote"


def test_existing_account_logs_in_new_person_creates_an_account() -> None:
    existing = render("invite_existing_account", BRANDING, **context_for("invite_new_account"))
    new = render("invite_new_account", BRANDING, **context_for("invite_new_account"))
    assert "Log in to accept" in existing.html and "Log in to accept" in existing.text
    assert "Create your account" in new.html and "Create your account" in new.text
    assert "name and a password" in new.text


def test_the_message_is_optional() -> None:
    mail = render("invite_new_account", BRANDING, **context_for("invite_new_account"))
    assert "wrote:" not in mail.html and "wrote:" not in mail.text


def test_the_message_cannot_inject_html_or_headers() -> None:
    evil = 'Hi <script>alert("x")</script><a href="https://evil.test">x</a>\r\nBcc: eve@evil.test'
    mail = render(
        "invite_existing_account",
        BRANDING,
        **context_for(
            "invite_existing_account", message=evil, inviter_name="Eve\r\nBcc: eve@evil.test"
        ),
    )
    assert "<script>" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert 'href="https://evil.test"' not in mail.html
    assert "\r" not in mail.subject and "\n" not in mail.subject
    message = MailMessage(
        to="ada@example.com",
        subject=mail.subject,
        html=mail.html,
        text=mail.text,
        sender_address=BRANDING.sender_address,
        sender_name=BRANDING.sender_name,
    )
    raw = bytes(to_email_message(message))
    assert b"\nBcc:" not in raw.split(b"\r\n\r\n", 1)[0]  # the header block
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed.get_all("To") == ["ada@example.com"]
    # (CPython may fold a long subject onto a continuation line: a leading space, no header.)
    assert parsed["Subject"].strip() == mail.subject


def test_a_long_subject_is_cut() -> None:
    mail = render(
        "invite_new_account", BRANDING, **context_for("invite_new_account", company_name="X" * 500)
    )
    assert len(mail.subject) <= 250
    assert mail.subject.endswith("…")


def test_without_a_logo_the_product_name_is_the_header() -> None:
    branding = default_branding(Settings(public_url="https://ixon.test"))
    mail = render("password_reset", branding, link=LINK, expires_on=EXPIRES)
    assert "<img" not in mail.html
    assert ">IXON Cloud</span>" in mail.html
    assert mail.subject == "Reset your IXON Cloud password"


def test_default_branding_from_settings() -> None:
    branding = default_branding(
        Settings(public_url="https://ixon.test", mail_from="Cloud Robot <robot@ixon.test>")
    )
    assert branding.product_name == "IXON Cloud"
    assert branding.portal_url == "https://ixon.test"
    assert (branding.sender_name, branding.sender_address) == ("Cloud Robot", "robot@ixon.test")
    bare = default_branding(Settings(mail_from="robot@ixon.test"))
    assert (bare.sender_name, bare.sender_address) == ("IXON Cloud", "robot@ixon.test")


def test_missing_context_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="needs company_name, expires_on"):
        render("invite_new_account", BRANDING, inviter_name="G", link=LINK)


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown mail kind 'welcome'"):
        render("welcome", BRANDING)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://x.test/a b", "/relative"])
def test_links_must_be_http(link: str) -> None:
    with pytest.raises(ValueError, match="http"):
        render("password_reset", BRANDING, link=link, expires_on=EXPIRES)


@pytest.mark.parametrize(
    "change",
    [
        {"primary_color": "red;background:url(https://evil.test)"},
        {"primary_text_color": "#12"},
        {"logo_url": "javascript:alert(1)"},
        {"portal_url": "ftp://x.test"},
    ],
)
def test_branding_values_are_checked(change: dict[str, str]) -> None:
    values: dict[str, Any] = {
        "product_name": "P",
        "portal_url": "https://p.test",
        "sender_address": "a@p.test",
    }
    with pytest.raises(ValueError, match="branding"):
        MailBranding(**{**values, **change})


def test_dates_read_the_same_in_every_locale() -> None:
    assert format_date(datetime(2026, 1, 2, 3, 4)) == "2 January 2026, 03:04 UTC"
