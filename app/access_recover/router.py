"""Password recovery: `/access-recover` (no Bearer) and the link's `/access-recover/me*`.

The link secret from the e-mail is the Bearer of the `/me` calls. IXON documents no 4XX for
`DELETE /access-recover/me` and `POST /access-recover/me/finish`; an unknown link still gets
401 and a used or expired one 410, in the error envelope.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from app.access_recover import presenters
from app.access_recover import service as recover_service
from app.access_recover.schemas import AccessRecoverCreate, AccessRecoverFinish, MyAccessRecoverOut
from app.auth import headers
from app.auth.dependencies import ApplicationDep, bearer_secret
from app.core import envelope
from app.core.envelope import Envelope
from app.core.querying import FieldsOnly
from app.db.after_answer import after_answer
from app.db.session import SessionDep
from app.state import LimiterDep, SettingsDep

router = APIRouter()
TYPE = "AccessRecover"


Branding = Annotated[str, Depends(headers.branding_required)]
LinkSecret = Annotated[str | None, Depends(bearer_secret)]


@router.post(
    "/access-recover",
    tags=["AccessRecoverList"],
    status_code=201,
    response_model=Envelope[None],
    summary="Ask for a password-reset e-mail (the answer is the same for every address)",
)
async def request_access_recover(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    _application: ApplicationDep,
    branding: Branding,
    body: AccessRecoverCreate,
) -> JSONResponse:
    client = request.client.host if request.client else None
    job = await recover_service.request_reset(session, settings, limiter, branding, body, client)
    return after_answer(
        envelope.created(TYPE, None),
        request,
        lambda later: recover_service.send_reset(later, settings, job),
    )


@router.get(
    "/access-recover/me",
    tags=["MyAccessRecover"],
    response_model=Envelope[MyAccessRecoverOut],
    summary="The account a password-reset link is for (Bearer: the link's secret)",
)
async def get_my_access_recover(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret, params: FieldsOnly
) -> JSONResponse:
    user = await recover_service.get_mine(session, secret)
    return envelope.present_one(
        TYPE, user, presenters.my_access_recover, MyAccessRecoverOut, params.fields
    )


@router.delete(
    "/access-recover/me",
    tags=["MyAccessRecover"],
    response_model=Envelope[None],
    summary="Cancel a password reset: the link stops working",
)
async def cancel_my_access_recover(
    session: SessionDep, _application: ApplicationDep, secret: LinkSecret
) -> JSONResponse:
    await recover_service.cancel_mine(session, secret)
    return envelope.success(TYPE, None)


@router.post(
    "/access-recover/me/finish",
    tags=["MyAccessRecoverFinish"],
    status_code=201,
    response_model=Envelope[None],
    summary="Set the new password with a password-reset link",
)
async def finish_my_access_recover(
    session: SessionDep,
    settings: SettingsDep,
    _application: ApplicationDep,
    branding: Branding,
    secret: LinkSecret,
    body: AccessRecoverFinish,
    limiter: LimiterDep,
) -> JSONResponse:
    await recover_service.finish_mine(session, settings, limiter, secret, body, branding)
    return envelope.created("AccessRecoverFinish", None)
