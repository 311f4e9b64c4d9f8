from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import Auth
from app.core import envelope
from app.core.envelope import Envelope
from app.core.querying import SingleQuery
from app.db.session import SessionDep
from app.users import presenters
from app.users import service as user_service
from app.users.schemas import MyUserOut, MyUserPatch

router = APIRouter()
TYPE = "User"


@router.get("/users/me", tags=["MyUser"], response_model=Envelope[MyUserOut])
async def get_my_user(auth: Auth, params: SingleQuery) -> JSONResponse:
    return envelope.present_one(TYPE, auth.user, presenters.my_user, MyUserOut, params.fields)


@router.patch("/users/me", tags=["MyUser"], response_model=Envelope[None])
async def update_my_user(session: SessionDep, auth: Auth, body: MyUserPatch) -> JSONResponse:
    await user_service.update_me(session, auth, body)
    return envelope.success(TYPE, None)
