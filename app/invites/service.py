"""Invites: an e-mail address asked into a company, with the memberships it will get.

Rules (REFERENCE.md §9.8, §10.1, and the choices noted where IXON says nothing):

- `POST /invites` is all or nothing. Each invite, its invite-bound memberships (``invite_id``
  set, ``user_id`` null) and its e-mail (an outbox row) are written in the request's one
  transaction: a failed request sends nothing.
- One pending invite per address and company, held by a partial unique index. An address
  invited before whose invite has expired may be invited again: the expired one is closed
  (status ``expired``) and its link stops working.
- An address holding a live membership in the company is a member already (409). Whether an
  address has an account is told to no one but its owner: the inviter's answers are the same
  either way; only the e-mail differs ("log in to accept" or "create your account").
- A caller without COMPANY_ADMIN cannot invite into a role with permissions they do not hold.
- Accepting moves each invite-bound membership to the user; one the user holds already (same
  group and role) is merged into theirs (the later expiry wins), so no constraint ever fires.
  The link is single use; expired, withdrawn, declined and accepted invites cannot be accepted.
- The e-mail link's secret authorises the `/invites/me` calls and `POST /users` as
  `Authorization: Bearer <secret>`; its hash only is stored (app/action_tokens).

This module is the domain's face: other code imports these names from here. The work is done
in `status` (an invite's state), `emails` (the invite e-mail), `lifecycle` (accept, decline,
close), `creation` (`POST /invites`), `queries` (the company's lists and views), `management`
(revoke, resend), `invitee` (the logged-in invitee) and `link_flows` (the e-mail link).
"""

from __future__ import annotations

from app.invites.creation import Created, create_many
from app.invites.emails import reference
from app.invites.invitee import decline_for_user, finish_as_user, get_for_user, list_for_user
from app.invites.lifecycle import accept, decline
from app.invites.link_flows import (
    create_account,
    decline_by_link,
    finish_by_link,
    my_invite,
    new_account,
)
from app.invites.management import resend, revoke
from app.invites.queries import InviteView, get_invite, list_invites
from app.invites.status import finished_error, status_of

__all__ = [
    "Created",
    "InviteView",
    "accept",
    "create_account",
    "create_many",
    "decline",
    "decline_by_link",
    "decline_for_user",
    "finish_as_user",
    "finish_by_link",
    "finished_error",
    "get_for_user",
    "get_invite",
    "list_for_user",
    "list_invites",
    "my_invite",
    "new_account",
    "reference",
    "resend",
    "revoke",
    "status_of",
]
