from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from app.access_tokens import presenters
from app.access_tokens import service as token_service
from app.access_tokens.schemas import AccessTokenCreate, AccessTokenOut, NewAccessTokenOut
from app.auth.dependencies import (
    ApplicationDep,
    Auth,
    authenticate,
    basic_scheme,
    bearer_secret,
)
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.errors import Unauthorized
from app.core.querying import FieldsOnly, ListQuery, SingleQuery
from app.core.response_headers import no_store
from app.core.schemas import Bulk, PublicIdItem, PublicIdPath
from app.db.session import SessionDep
from app.users.presenters import my_user

router = APIRouter()
TYPE = "AccessToken"


def _client(request: Request) -> token_service.Client:
    return token_service.Client(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def _credentials_sent(request: Request, _application: ApplicationDep) -> None:
    """A log-in without any Authorization is refused before its query or body is read: the
    document requires the header, so its absence answers 401 whatever else is wrong."""
    if not request.headers.get("authorization", "").strip():
        raise Unauthorized("Send Authorization: Basic base64(email:password)", "Authorization")


def _present_new(new: token_service.NewToken) -> dict[str, object]:
    return presenters.access_token(new.token) | {
        "secretId": new.secret,
        "user": my_user(new.token.user),
    }


@router.post(
    "/access-tokens",
    tags=["AccessTokenList"],
    status_code=201,
    response_model=Envelope[NewAccessTokenOut],
    dependencies=[Depends(basic_scheme)],
    summary="Log in: a new access token from Basic email:password (or email:otp:password)",
)
async def create_access_token(
    request: Request,
    session: SessionDep,
    application: ApplicationDep,
    _sent: Annotated[None, Depends(_credentials_sent)],
    body: AccessTokenCreate,
    params: FieldsOnly,
) -> JSONResponse:
    authorization = request.headers.get("authorization", "")
    if bearer_secret(request) is not None:
        auth = await authenticate(request, session, application.public_id, None)
        new = await token_service.issue_for(session, auth, body, _client(request))
    else:
        limiter = request.app.state.login_limiter
        new = await token_service.log_in(
            session, limiter, application, authorization, body, _client(request)
        )
    answer = envelope.present_one(
        TYPE,
        new,
        _present_new,
        NewAccessTokenOut,
        params.fields,
        status_code=201,
        always=("secretId", "expiresOn"),
    )
    return no_store(answer)


@router.get("/access-tokens", tags=["AccessTokenList"], response_model=ListEnvelope[AccessTokenOut])
async def list_access_tokens(session: SessionDep, auth: Auth, params: ListQuery) -> JSONResponse:
    rows, more = await token_service.list_mine(session, auth, params)
    return envelope.present_page(
        TYPE, rows, more, presenters.access_token, AccessTokenOut, params.fields
    )


@router.delete("/access-tokens", tags=["AccessTokenList"], response_model=Envelope[None])
async def delete_access_tokens(
    session: SessionDep, auth: Auth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await token_service.delete_mine(session, auth, body)
    return envelope.success(TYPE, None)


@router.get("/access-tokens/me", tags=["MyAccessToken"], response_model=Envelope[AccessTokenOut])
async def get_my_access_token(auth: Auth, params: FieldsOnly) -> JSONResponse:
    return envelope.present_one(
        TYPE, auth.token, presenters.access_token, AccessTokenOut, params.fields
    )


@router.delete("/access-tokens/me", tags=["MyAccessToken"], response_model=Envelope[None])
async def delete_my_access_token(session: SessionDep, auth: Auth) -> JSONResponse:
    await token_service.delete_one(session, auth, auth.token.public_id)
    return envelope.success(TYPE, None)


@router.get(
    "/access-tokens/{publicId}", tags=["AccessToken"], response_model=Envelope[AccessTokenOut]
)
async def get_access_token(
    session: SessionDep, auth: Auth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    token = await token_service.get_mine(session, auth, public_id, params)
    return envelope.present_one(TYPE, token, presenters.access_token, AccessTokenOut, params.fields)


@router.delete("/access-tokens/{publicId}", tags=["AccessToken"], response_model=Envelope[None])
async def delete_access_token(
    session: SessionDep, auth: Auth, public_id: PublicIdPath
) -> JSONResponse:
    await token_service.delete_one(session, auth, public_id)
    return envelope.success(TYPE, None)
