"""The services' messages that a portal form or page can show, in the reader's language.

The services answer the API, whose messages are English (IXON's) and stay so. A portal page
shows the same message, so each one a person can meet there is listed here as a msgid that
reads exactly as the service writes it, with `%(name)s` where the service puts a value.
`in_words` finds the message's msgid and translates it, values kept; a message not listed
(one no portal form can cause) is shown as the service wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.access_tokens.service import BAD_CREDENTIALS
from app.core.passwords import TOO_COMMON
from app.email_changes.service import ADDRESS_TAKEN
from app.i18n.catalogues import N_, Translator

# The most specific first: a message matches the first msgid that reads like it.
MESSAGES = (
    # Signing in, and every throttled form (app/auth/ratelimit.py).
    BAD_CREDENTIALS,
    N_("Too many failed log-ins; try again in %(seconds)s seconds"),
    N_("Too many failed password checks; try again in %(seconds)s seconds"),
    N_("Too many failed two-factor codes; try again in %(seconds)s seconds"),
    N_("Too many requests; try again in %(seconds)s seconds"),
    # Anything named by an id that is not (or no longer) there, in this company.
    N_("Company not found"),
    N_("Invite not found"),
    N_("User not found"),
    N_("E-mail address change not found"),
    # Invitations: accepting and declining (app/invites/status.py, invitee.py).
    N_("This invitation has been accepted already"),
    N_("This invitation was declined"),
    N_("This invitation has been withdrawn"),
    N_("This invitation has expired; ask the person who invited you to send it again"),
    N_("This invitation has expired; ask %(who)s to send it again"),
    N_("This invitation is accepted and cannot be declined"),
    N_("This invitation is declined and cannot be declined"),
    N_("This invitation is revoked and cannot be declined"),
    # The Users page: resending and withdrawing (app/invites/management.py).
    N_("This invitation is accepted already and cannot be changed"),
    N_("This invitation is declined already and cannot be changed"),
    N_("This invitation is revoked already and cannot be changed"),
    # Inviting (app/invites/creation.py).
    N_("%(address)s is already a member of this company"),
    N_("%(address)s has already been invited to this company"),
    N_("One of these addresses was invited to this company at the same time; try again"),
    N_("Group %(id)s not found in this company"),
    N_("Role %(id)s not found in this company"),
    N_(
        "You cannot invite into the role '%(role)s': it has permissions you do not hold "
        "(%(permissions)s)"
    ),
    # Removing a user, and permissions (app/memberships/rules.py, app/auth/context.py).
    N_(
        "This change would leave the company without an administrator: give another user "
        "the COMPANY_ADMIN permission first"
    ),
    N_(
        "You cannot remove this user: membership %(membership)s holds the role '%(role)s', "
        "with permissions you do not hold (%(permissions)s)"
    ),
    N_("This requires the %(permissions)s permission in this company"),
    # Profile and password (app/email_changes/service.py, app/users/).
    N_("This is your e-mail address already"),
    ADDRESS_TAKEN,
    N_("The old password is incorrect"),
    N_("A password has %(min)s to %(max)s characters"),
    TOO_COMMON,
    # Two-factor authentication (app/otp_auth/service.py).
    N_("The code is not right; enter the current code of your authenticator app"),
    N_("Two-factor authentication is already on; turn it off first"),
    N_("Two-factor authentication is not on for this account"),
    N_("The password is incorrect"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid: str) -> re.Pattern[str]:
    """``"%(address)s is ..."`` as ``(?P<address>.+?) is ...``, to match the whole message."""
    parts = _PLACEHOLDER.split(msgid)
    # split() alternates text and placeholder names: text, name, text, name, ..., text
    pattern = "".join(
        f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(pattern, re.S)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((msgid, _pattern(msgid)) for msgid in MESSAGES)


def in_words(message: str, translate: Translator) -> str:
    """``message`` (a service's, English) in ``translate``'s language, when it is listed."""
    for msgid, pattern in _patterns():
        match = pattern.fullmatch(message)
        if match is not None:
            return translate(msgid, **match.groupdict())
    return message
