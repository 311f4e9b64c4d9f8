"""The events an endpoint can subscribe to, with what each announces."""

from __future__ import annotations

EVENTS: dict[str, str] = {
    "invite.created": "An invite was created.",
    "invite.sent": "An invite's e-mail was queued (first sending or a resend).",
    "invite.delivery_failed": "An invite's e-mail was given up; `error` says why.",
    "invite.accepted": "An invitee accepted; their memberships are bound to them.",
    "invite.declined": "An invitee declined.",
    "invite.revoked": "An invite was withdrawn (or replaced by a new one).",
    "invite.expired": "A pending invite was found past its expiry and closed.",
    "membership.created": "A user got a membership (also when an accepted invite binds one).",
    "membership.changed": "A user's membership changed (role, group or expiry).",
    "membership.removed": "A user's membership was removed.",
    "user.removed": "A user's last membership in the company was removed.",
    "user.two_factor_enabled": "A member turned two-factor authentication on.",
    "user.two_factor_disabled": "A member's two-factor authentication was turned off.",
}
