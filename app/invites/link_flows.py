"""The e-mail link (`/invites/me`, `POST /users`): its secret, sent as
`Authorization: Bearer <secret>`, authorises the invitee to see, decline or accept the invite,
creating their account if they have none."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.core.errors import BadRequest, Conflict, Gone, Unauthorized
from app.invites.lifecycle import accept, decline
from app.invites.models import PENDING, Invite
from app.invites.queries import InviteView, views
from app.invites.repository import InviteRepository
from app.invites.schemas import AccountCreate
from app.invites.status import finished_error, status_of
from app.users import service as user_service
from app.users.models import User

NO_LINK_MESSAGE = "Send the secret of the invitation link as Authorization: Bearer <secret>"


async def _by_link(session: AsyncSession, secret: str | None) -> tuple[ActionToken, Invite]:
    """The usable link and its open invite: 401 unknown, 410 used, expired or finished."""
    if not secret:
        raise Unauthorized(NO_LINK_MESSAGE, "Authorization")
    token = await links.require(session, links.INVITE, secret)
    invite = await InviteRepository(session).by_public_id(token.reference)
    if invite is None:
        raise Unauthorized("This link is not valid", "Authorization")
    if status_of(invite) != PENDING:
        error = finished_error(invite)
        raise Gone(error.items[0].message, "Authorization")
    return token, invite


async def my_invite(session: AsyncSession, secret: str | None) -> InviteView:
    """`GET /invites/me`: what the link invites to; changes nothing."""
    _, invite = await _by_link(session, secret)
    view = (await views(session, [invite], memberships=True, companies=True))[0]
    view.account = (await InviteRepository(session).accounts([invite.email_normalized])).get(
        invite.email_normalized
    )
    return view


async def decline_by_link(session: AsyncSession, secret: str | None) -> Invite:
    """`DELETE /invites/me`: the invitee declines; the link is used up."""
    token, invite = await _by_link(session, secret)
    await links.consume(session, token)
    await decline(session, invite)
    return invite


async def finish_by_link(session: AsyncSession, secret: str | None) -> User:
    """`POST /invites/me/finish`: the existing account of the invited address accepts (the
    link proves the address). Without an account: 409, create it with `POST /users`."""
    token, invite = await _by_link(session, secret)
    account = await user_service.by_email(session, invite.email_address)
    if account is None:
        raise Conflict(
            f"There is no account for {invite.email_address} yet: create it with POST /users "
            "(name and password), sending this link's secret as Authorization: Bearer",
            "Authorization",
        )
    await links.consume(session, token)
    await accept(session, invite, account)
    return account


async def create_account(session: AsyncSession, secret: str | None, body: AccountCreate) -> User:
    """`POST /users`: a new person creates their account from the invite link and, with it,
    accepts the invite. The address is the invite's; an existing account is 409."""
    token, invite = await _by_link(session, secret)
    if body.ssoAuthentication is not None:
        raise BadRequest(
            "Single sign-on is not supported here: send a name and a password",
            "ssoAuthentication",
        )
    return await new_account(
        session,
        token,
        invite,
        name=body.name,
        password=body.password,
        language=body.language,
        localisation=body.localisation,
        time_zone=body.timeZone,
    )


async def new_account(
    session: AsyncSession,
    token: ActionToken,
    invite: Invite,
    *,
    name: str,
    password: str,
    language: str | None = None,
    localisation: str | None = None,
    time_zone: str | None = None,
) -> User:
    """The invitee's new account, accepting the invite and using up the link (also the
    invite page's form, app/invites/pages.py)."""
    if await user_service.by_email(session, invite.email_address) is not None:
        raise Conflict(
            f"An account for {invite.email_address} exists already: accept the invitation "
            "with POST /invites/me/finish",
            "Authorization",
        )
    user_service.check_password(password, user_inputs=(invite.email_address, name))
    # The link is used up before the account is made: of many requests racing with one link,
    # the first holds the link's row until it commits and the others then find it used (410),
    # instead of all making the same account and meeting the unique index on the address.
    await links.consume(session, token)
    inviter = (await InviteRepository(session).users([invite.inviter_id])).get(
        invite.inviter_id or 0
    )
    user = await user_service.create_person(
        session,
        email=invite.email_address,
        name=name,
        password=password,
        language=language or invite.language,
        registered_by=inviter,
    )
    user.localisation, user.time_zone = localisation, time_zone
    await accept(session, invite, user)
    return user
