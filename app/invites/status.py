"""What state an invite is in, and why a finished one cannot be used any more."""

from __future__ import annotations

from datetime import datetime

from app.core.clock import aware, utcnow
from app.core.errors import AppError, Conflict, Gone
from app.invites.models import ACCEPTED, DECLINED, EXPIRED, PENDING, REVOKED, Invite
from app.users.models import User

# The codes (`ErrorItem.code`) of an invite refused for its address: the CSV import reports them.
ALREADY_MEMBER = "already_member"
ALREADY_INVITED = "already_invited"


def status_of(invite: Invite, now: datetime | None = None) -> str:
    """pending, accepted, declined, revoked or expired (a pending invite past its expiry)."""
    if invite.status == PENDING and aware(invite.expires_on) <= (now or utcnow()):
        return EXPIRED
    return invite.status


def finished_error(invite: Invite, inviter: User | None = None) -> AppError:
    """Why an invite cannot be used any more, in words an invitee understands."""
    status = status_of(invite)
    if status == ACCEPTED:
        return Conflict("This invitation has been accepted already", "publicId")
    if status == DECLINED:
        return Gone("This invitation was declined", "publicId")
    if status == REVOKED:
        return Gone("This invitation has been withdrawn", "publicId")
    who = inviter.name if inviter is not None else "the person who invited you"
    return Gone(f"This invitation has expired; ask {who} to send it again", "publicId")
