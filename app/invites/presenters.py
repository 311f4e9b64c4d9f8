"""Invites as IXON shows them (plain dicts), and the `fields=` projection of each answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.companies.presenters import company
from app.core import envelope
from app.core.clock import iso
from app.core.querying import Selection, check_fields, project, shape_of
from app.invites.models import Invite
from app.invites.service import DEFAULT_FIELDS, InviteView, status_of
from app.memberships.models import Membership

Presenter = Callable[[InviteView], dict[str, Any]]
# `/invites/me` and `/users/me/invites`: what an invitee needs without asking for `fields`.
INVITEE_FIELDS = ("publicId", "emailAddress", "expiresOn", "status", "company")


def membership(invite: Invite, m: Membership) -> dict[str, Any]:
    """An invite-bound membership (``group`` and ``role`` loaded)."""
    return {
        "publicId": m.public_id,
        "user": None,
        "invite": {"publicId": invite.public_id},
        "group": {"publicId": m.group.public_id},
        "role": {"publicId": m.role.public_id} if m.role is not None else None,
        "expiresOn": iso(m.expires_on),
    }


def invite(view: InviteView) -> dict[str, Any]:
    i = view.invite
    return {
        "publicId": i.public_id,
        "emailAddress": i.email_address,
        "expiresOn": iso(i.expires_on),
        "memberships": [membership(i, m) for m in view.memberships],
        "status": status_of(i),
        "deliveryState": view.delivery_state,
    }


def user_invite(view: InviteView) -> dict[str, Any]:
    """An invite as its invitee sees it: with its company."""
    data = invite(view)
    del data["deliveryState"]
    assert view.company is not None
    data["company"] = company(view.company)
    return data


def my_invite(view: InviteView) -> dict[str, Any]:
    data = user_invite(view)
    data["language"] = view.invite.language
    account = view.account
    if account is not None and account.email_address is not None:
        data["user"] = {
            "publicId": account.public_id,
            "name": account.name,
            "emailAddress": account.email_address,
            "custom": account.custom or {},
            "language": account.language,
            "localisation": account.localisation,
            "timeZone": account.time_zone,
        }
    return data


def _check(model: type[BaseModel], fields: Selection | None) -> None:
    if fields is not None:
        check_fields(fields, shape_of(model))


def one(
    type_: str,
    view: InviteView,
    presenter: Presenter,
    model: type[BaseModel],
    fields: Selection | None,
    default: Sequence[str] = DEFAULT_FIELDS,
) -> JSONResponse:
    _check(model, fields)
    return envelope.success(type_, project(presenter(view), fields, default))


def page(
    type_: str,
    views: Sequence[InviteView],
    more: str | None,
    presenter: Presenter,
    model: type[BaseModel],
    fields: Selection | None,
    default: Sequence[str] = DEFAULT_FIELDS,
) -> JSONResponse:
    _check(model, fields)
    return envelope.listing(type_, [project(presenter(v), fields, default) for v in views], more)
