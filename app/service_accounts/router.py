from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import CompanyAuth, permission
from app.auth.permissions import Permission
from app.core import envelope
from app.core.envelope import Envelope
from app.core.response_headers import no_store
from app.core.schemas import Bulk, PublicIdItem, PublicIdPath
from app.db.session import SessionDep
from app.service_accounts import presenters
from app.service_accounts import service as service_account_service
from app.service_accounts.schemas import NewServiceAccountOut, ServiceAccountCreate

router = APIRouter()
TYPE = "ServiceAccount"


@router.post(
    "/users/service-account",
    tags=["ServiceAccountList"],
    status_code=201,
    response_model=Envelope[list[NewServiceAccountOut]],
    **permission(Permission.MANAGE_SERVICE_ACCOUNTS),
)
async def create_service_accounts(
    session: SessionDep, auth: CompanyAuth, body: Bulk[ServiceAccountCreate]
) -> JSONResponse:
    """Each answer item carries the account's token: shown this once, stored only hashed.
    Always an array, like every bulk POST (see ``envelope.created_ids``)."""
    created = await service_account_service.create_many(session, auth, body)
    return no_store(
        envelope.created(TYPE, [presenters.new_service_account(new) for new in created])
    )


@router.delete(
    "/users/service-account",
    tags=["ServiceAccountList"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_SERVICE_ACCOUNTS),
)
async def delete_service_accounts(
    session: SessionDep, auth: CompanyAuth, body: Bulk[PublicIdItem]
) -> JSONResponse:
    await service_account_service.delete(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.delete(
    "/users/service-account/{publicId}",
    tags=["ServiceAccount"],
    response_model=Envelope[None],
    **permission(Permission.MANAGE_SERVICE_ACCOUNTS),
)
async def delete_service_account(
    session: SessionDep, auth: CompanyAuth, public_id: PublicIdPath
) -> JSONResponse:
    await service_account_service.delete(session, auth, [public_id], bulk=False)
    return envelope.success(TYPE, None)
