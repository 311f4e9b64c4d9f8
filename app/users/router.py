from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from app.auth import headers
from app.auth.dependencies import Auth, CompanyAuth, permission
from app.auth.permissions import Permission
from app.auth.reader import CompanyReader, read_permission
from app.companies.schemas import CompanyRef
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery, selects
from app.core.schemas import Bulk, PublicIdItem, PublicIdPath
from app.db.session import SessionDep
from app.otp_auth import service as otp_service
from app.state import ClientDep, LimiterDep, SettingsDep
from app.users import account, presenters
from app.users import service as user_service
from app.users.schemas import MyUserOut, MyUserPatch, PasswordChange, UserOut

router = APIRouter()
TYPE = "User"

# The caller's own account (`/users/me...`) is declared before `/users/{publicId}`: the first
# matching route wins.


@router.get("/users/me", tags=["MyUser"], response_model=Envelope[MyUserOut])
async def get_my_user(session: SessionDep, auth: Auth, params: SingleQuery) -> JSONResponse:
    # The 2FA state costs a query: only when the answer shows it (not by default).
    wanted = selects(params.fields, "otpAuth", MyUserOut)
    otp = (await otp_service.status(session, auth.user)).as_wire() if wanted else None
    return envelope.present_one(
        TYPE, auth.user, lambda u: presenters.my_user(u, otp), MyUserOut, params.fields
    )


@router.patch("/users/me", tags=["MyUser"], response_model=Envelope[None])
async def update_my_user(session: SessionDep, auth: Auth, body: MyUserPatch) -> JSONResponse:
    await user_service.update_me(session, auth, body)
    return envelope.success(TYPE, None)


@router.delete("/users/me", tags=["MyUser"], response_model=Envelope[None])
async def delete_my_user(session: SessionDep, auth: Auth) -> JSONResponse:
    """Deletes the caller's account; refused (409) while it is a company's last administrator."""
    await account.delete_me(session, auth)
    return envelope.success(TYPE, None)


@router.post(
    "/users/me/password",
    tags=["MyUserPassword"],
    status_code=201,
    response_model=Envelope[None],
)
async def change_my_password(
    session: SessionDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientDep,
    auth: Auth,
    body: PasswordChange,
    branding: Annotated[str, Depends(headers.branding_required)],
) -> JSONResponse:
    await account.change_password(session, settings, limiter, auth, body, branding, client)
    return envelope.created("UserPassword", None)


@router.delete(
    "/users/me/leave-companies", tags=["MyUserLeaveCompanyList"], response_model=Envelope[None]
)
async def leave_companies(session: SessionDep, auth: Auth, body: Bulk[CompanyRef]) -> JSONResponse:
    await account.leave_companies(session, auth, [item.publicId for item in body])
    return envelope.success("UserLeaveCompany", None)


@router.get(
    "/users",
    tags=["UserList"],
    response_model=ListEnvelope[UserOut],
    **read_permission(Permission.VIEW_USERS),
)
async def list_users(session: SessionDep, auth: CompanyReader, params: ListQuery) -> JSONResponse:
    rows, more = await user_service.list_rows_in_company(session, auth, params)
    return envelope.present_page(TYPE, rows, more, presenters.company_user, UserOut, params.fields)


@router.delete(
    "/users",
    tags=["UserList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def remove_users(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    """Removes the users from the company (their memberships here); their accounts stay."""
    await user_service.remove_from_company(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.get(
    "/users/{publicId}",
    tags=["User"],
    response_model=Envelope[UserOut],
    **permission(Permission.VIEW_USERS),
)
async def get_user(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath, params: SingleQuery
) -> JSONResponse:
    found = await user_service.get_in_company(session, auth, public_id, params)
    return envelope.present_one(TYPE, found, presenters.company_user, UserOut, params.fields)


@router.delete(
    "/users/{publicId}",
    tags=["User"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_USERS),
)
async def remove_user(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    """Removes the user from the company (their memberships here); their account stays."""
    await user_service.remove_from_company(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)
