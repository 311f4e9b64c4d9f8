"""E-mail address changes: the caller's own (`/users/me/email-address-changes*`, Bearer access
token) and the confirmation link's (`/email-address-changes/me*`, Bearer: the link's secret)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from app.auth import headers
from app.auth.dependencies import ApplicationDep, Auth, bearer_secret
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import FieldsOnly, ListQuery, SingleQuery
from app.core.schemas import Bulk, PublicIdItem, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.email_changes import presenters
from app.email_changes import service as change_service
from app.email_changes.schemas import EmailAddressChangeCreate, EmailAddressChangeOut
from app.state import SettingsDep

router = APIRouter()
TYPE = "UserEmailAddressChange"
LINK_TYPE = "EmailAddressChange"


LinkSecret = Annotated[str | None, Depends(bearer_secret)]


def _view(view: change_service.ChangeView) -> dict[str, object]:
    return presenters.email_address_change(view.change, view.user)


@router.post(
    "/users/me/email-address-changes",
    tags=["MyUserEmailAddressChangeList"],
    status_code=201,
    response_model=ListEnvelope[PublicIdOut],
    summary="Ask to change your e-mail address; the new address gets a confirmation link",
)
async def request_email_address_change(
    session: SessionDep,
    settings: SettingsDep,
    auth: Auth,
    branding: Annotated[str, Depends(headers.branding_required)],
    body: EmailAddressChangeCreate,
) -> JSONResponse:
    change = await change_service.request_change(session, settings, auth, branding, body)
    return envelope.created_ids(TYPE, [change.public_id])


@router.get(
    "/users/me/email-address-changes",
    tags=["MyUserEmailAddressChangeList"],
    response_model=ListEnvelope[EmailAddressChangeOut],
)
async def list_email_address_changes(
    session: SessionDep, auth: Auth, params: ListQuery
) -> JSONResponse:
    rows, more = await change_service.list_mine(session, auth, params)
    present = partial(presenters.email_address_change, user=auth.user)
    return envelope.present_page(TYPE, rows, more, present, EmailAddressChangeOut, params.fields)


@router.delete(
    "/users/me/email-address-changes",
    tags=["MyUserEmailAddressChangeList"],
    response_model=Envelope[None],
)
async def cancel_email_address_changes(
    session: SessionDep, auth: Auth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await change_service.cancel_mine(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.get(
    "/users/me/email-address-changes/{publicId}",
    tags=["MyUserEmailAddressChange"],
    response_model=Envelope[EmailAddressChangeOut],
)
async def get_email_address_change(
    session: SessionDep, auth: Auth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    change = await change_service.get_mine(session, auth, public_id, params)
    present = partial(presenters.email_address_change, user=auth.user)
    return envelope.present_one(TYPE, change, present, EmailAddressChangeOut, params.fields)


@router.delete(
    "/users/me/email-address-changes/{publicId}",
    tags=["MyUserEmailAddressChange"],
    response_model=Envelope[None],
)
async def cancel_email_address_change(
    session: SessionDep, auth: Auth, public_id: PublicIdPath
) -> JSONResponse:
    await change_service.cancel_mine(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)


@router.get(
    "/email-address-changes/me",
    tags=["MyEmailAddressChange"],
    response_model=Envelope[EmailAddressChangeOut],
    summary="The change a confirmation link is for (Bearer: the link's secret)",
)
async def get_my_email_address_change(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret, params: FieldsOnly
) -> JSONResponse:
    view = await change_service.get_by_link(session, secret)
    return envelope.present_one(LINK_TYPE, view, _view, EmailAddressChangeOut, params.fields)


@router.delete(
    "/email-address-changes/me",
    tags=["MyEmailAddressChange"],
    response_model=Envelope[None],
    summary="Cancel the change: its link stops working",
)
async def cancel_my_email_address_change(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret
) -> JSONResponse:
    await change_service.cancel_by_link(session, secret)
    return envelope.success(LINK_TYPE, None)


@router.post(
    "/email-address-changes/me/finish",
    tags=["MyEmailAddressChangeFinish"],
    status_code=201,
    response_model=Envelope[None],
    summary="Confirm the new e-mail address: the account takes it",
)
async def finish_my_email_address_change(
    session: SessionDep, settings: SettingsDep, _application: ApplicationDep, secret: LinkSecret
) -> JSONResponse:
    await change_service.finish_by_link(session, settings, secret)
    return envelope.created("EmailAddressChangeFinish", None)
