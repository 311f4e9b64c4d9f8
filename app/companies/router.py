from __future__ import annotations

from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import Auth, CompanyAuth, permission
from app.auth.permissions import Permission
from app.companies import presenters
from app.companies import service as company_service
from app.companies.schemas import (
    CompanyCreate,
    CompanyOut,
    CompanyRef,
    MyCompanyOut,
    MyCompanyPatch,
)
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery
from app.core.schemas import Bulk, PublicIdOut, PublicIdPath
from app.db.session import SessionDep
from app.state import SettingsDep

router = APIRouter()
TYPE = "Company"


@router.get("/companies", tags=["CompanyList"], response_model=ListEnvelope[CompanyOut])
async def list_companies(
    session: SessionDep, settings: SettingsDep, auth: Auth, params: ListQuery
) -> JSONResponse:
    rows, more = await company_service.list_mine(session, auth, params)
    present = partial(presenters.company, default_branding=settings.default_branding)
    return envelope.present_page(TYPE, rows, more, present, CompanyOut, params.fields)


@router.post(
    "/companies",
    tags=["CompanyList"],
    status_code=201,
    response_model=Envelope[list[PublicIdOut]],
)
async def create_companies(
    session: SessionDep, auth: Auth, body: Bulk[CompanyCreate]
) -> JSONResponse:
    companies = await company_service.create_many(session, auth, body)
    return envelope.created_ids(TYPE, [c.public_id for c in companies])


@router.delete("/companies", tags=["CompanyList"], response_model=Envelope[None])
async def delete_companies(session: SessionDep, auth: Auth, body: Bulk[CompanyRef]) -> JSONResponse:
    await company_service.delete(session, auth, [item.publicId for item in body])
    return envelope.success(TYPE, None)


@router.get("/companies/me", tags=["MyCompany"], response_model=Envelope[MyCompanyOut])
async def get_my_company(
    settings: SettingsDep, auth: CompanyAuth, params: SingleQuery
) -> JSONResponse:
    present = partial(presenters.my_company, default_branding=settings.default_branding)
    return envelope.present_one(TYPE, auth.company, present, MyCompanyOut, params.fields)


@router.patch(
    "/companies/me",
    tags=["MyCompany"],
    response_model=Envelope[None],
    **permission(Permission.COMPANY_ADMIN),
)
async def update_my_company(
    session: SessionDep, auth: CompanyAuth, body: MyCompanyPatch
) -> JSONResponse:
    await company_service.update_me(session, auth, body)
    return envelope.success(TYPE, None)


@router.get("/companies/{publicId}", tags=["Company"], response_model=Envelope[CompanyOut])
async def get_company(
    session: SessionDep,
    settings: SettingsDep,
    auth: Auth,
    public_id: PublicIdPath,
    params: SingleQuery,
) -> JSONResponse:
    company = await company_service.get_mine(session, auth, public_id, params)
    present = partial(presenters.company, default_branding=settings.default_branding)
    return envelope.present_one(TYPE, company, present, CompanyOut, params.fields)


@router.delete("/companies/{publicId}", tags=["Company"], response_model=Envelope[None])
async def delete_company(session: SessionDep, auth: Auth, public_id: PublicIdPath) -> JSONResponse:
    await company_service.delete(session, auth, [public_id])
    return envelope.success(TYPE, None)
