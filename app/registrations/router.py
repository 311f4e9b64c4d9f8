"""Self-registration: `POST /registrations` (no Bearer) and the link's `/registrations/me*`.

The link secret from the confirmation e-mail is the Bearer of the `/me` calls.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from app.auth import headers
from app.auth.dependencies import ApplicationDep, bearer_secret
from app.core import envelope
from app.core.envelope import Envelope
from app.core.querying import FieldsOnly
from app.db.session import SessionDep
from app.registrations import presenters
from app.registrations import service as registration_service
from app.registrations.schemas import MyRegistrationOut, RegistrationCreate
from app.state import LimiterDep, SettingsDep

router = APIRouter()
TYPE = "Registration"

LinkSecret = Annotated[str | None, Depends(bearer_secret)]


@router.post(
    "/registrations",
    tags=["RegistrationList"],
    status_code=201,
    response_model=Envelope[None],
    summary="Register a new account and company; a confirmation e-mail completes it",
)
async def create_registration(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    _application: ApplicationDep,
    branding: Annotated[str, Depends(headers.branding_required)],
    body: RegistrationCreate,
) -> JSONResponse:
    client = request.client.host if request.client else None
    await registration_service.register(session, settings, limiter, branding, body, client)
    return envelope.created(TYPE, None)


@router.get(
    "/registrations/me",
    tags=["MyRegistration"],
    response_model=Envelope[MyRegistrationOut],
    summary="The registration a confirmation link is for (Bearer: the link's secret)",
)
async def get_my_registration(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret, params: FieldsOnly
) -> JSONResponse:
    registration = await registration_service.get_mine(session, secret)
    return envelope.present_one(
        TYPE, registration, presenters.my_registration, MyRegistrationOut, params.fields
    )


@router.delete(
    "/registrations/me",
    tags=["MyRegistration"],
    response_model=Envelope[None],
    summary="Cancel a registration: its link stops working",
)
async def cancel_my_registration(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret
) -> JSONResponse:
    await registration_service.cancel_mine(session, secret)
    return envelope.success(TYPE, None)


@router.post(
    "/registrations/me/finish",
    tags=["MyRegistrationFinish"],
    status_code=201,
    response_model=Envelope[None],
    summary="Complete a registration: creates the account and its company",
)
async def finish_my_registration(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret
) -> JSONResponse:
    await registration_service.finish_mine(session, secret)
    return envelope.created("RegistrationFinish", None)
