"""What the invitation pages say about a link that cannot be used (any more), who invited
the reader (with their address: whom to ask for a new invitation), and in which language."""

from __future__ import annotations

from fastapi import Request

from app.i18n.audience import Audience
from app.i18n.catalogues import Translator
from app.invites.pages import LinkState
from app.portal.common import language_for


def audience_of(request: Request, state: LinkState) -> Audience:
    """The invite's language (else the browser's); the account's locale and time zone."""
    language = language_for(request, state.invite.language if state.invite else None)
    account = state.account
    if account is None:
        return Audience(language)
    return Audience(language, account.localisation, account.time_zone)


def inviter(state: LinkState, _: Translator) -> str:
    """`Grace Hopper (grace@example.com)`: who to ask for a new invitation."""
    if state.inviter is None:
        return _("the person who invited you")
    if state.inviter.email_address:
        return _(
            "%(name)s (%(address)s)", name=state.inviter.name, address=state.inviter.email_address
        )
    return state.inviter.name


def closed_text(state: LinkState, product: str, _: Translator) -> tuple[str, list[str], int]:
    company = state.company.name if state.company is not None else ""
    address = state.invite.email_address if state.invite is not None else ""
    who = inviter(state, _)
    if state.state == "expired":
        return (
            _("This invitation has expired"),
            [
                _(
                    "Invitations to %(company)s are valid for a limited time, and this one has "
                    "run out.",
                    company=company,
                ),
                _(
                    "Ask %(who)s to send it again: you will get a new e-mail with a new link.",
                    who=who,
                ),
            ],
            410,
        )
    if state.state == "revoked":
        return (
            _("This invitation has been withdrawn"),
            [
                _(
                    "%(company)s has withdrawn this invitation, so it can no longer be accepted.",
                    company=company,
                ),
                _("If you think this is a mistake, ask %(who)s to invite you again.", who=who),
            ],
            410,
        )
    if state.state == "accepted":
        return (
            _("You have already joined %(company)s", company=company),
            [
                _("This invitation has been accepted, so the link has done its job."),
                _(
                    "Sign in to %(product)s with %(address)s and your password.",
                    product=product,
                    address=address,
                ),
            ],
            410,
        )
    if state.state == "declined":
        return (
            _("You declined this invitation"),
            [
                _(
                    "If you changed your mind, ask %(who)s to invite you to %(company)s again.",
                    who=who,
                    company=company,
                )
            ],
            410,
        )
    if state.state == "replaced":
        return (
            _("This link has been replaced"),
            [
                _(
                    "A newer invitation e-mail was sent to %(address)s; this older link no "
                    "longer works.",
                    address=address,
                ),
                _("Open the link in the most recent invitation e-mail."),
            ],
            410,
        )
    return (
        _("This link is not valid"),
        [
            _("Check that you opened the whole link from the invitation e-mail."),
            _(
                "If it still does not work, ask the person who invited you to send the "
                "invitation again."
            ),
        ],
        404,
    )
