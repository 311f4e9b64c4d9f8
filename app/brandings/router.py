"""`GET /brandings` and `GET /companies/{publicId}/branding`: public (no Bearer token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.auth.dependencies import ApplicationDep
from app.brandings import service as branding_service
from app.brandings.schemas import BrandingOut
from app.config import Settings
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import (
    DEFAULT_FIELDS,
    ListQuery,
    SingleQuery,
    check_fields,
    project,
    shape_of,
)
from app.core.schemas import PublicIdPath
from app.db.session import SessionDep

router = APIRouter()
TYPE = "Branding"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/brandings", tags=["BrandingList"], response_model=ListEnvelope[BrandingOut])
async def list_brandings(
    request: Request, session: SessionDep, _app: ApplicationDep, params: ListQuery
) -> JSONResponse:
    if params.fields is not None:
        check_fields(params.fields, shape_of(BrandingOut))
    items, more = await branding_service.list_brandings(session, _settings(request), params)
    return envelope.listing(TYPE, [project(i, params.fields, DEFAULT_FIELDS) for i in items], more)


@router.get(
    "/companies/{publicId}/branding", tags=["CompanyBranding"], response_model=Envelope[BrandingOut]
)
async def get_company_branding(
    request: Request,
    session: SessionDep,
    _app: ApplicationDep,
    public_id: PublicIdPath,
    params: SingleQuery,
) -> JSONResponse:
    data = await branding_service.company_branding(session, _settings(request), public_id, params)
    return envelope.present_one(TYPE, data, dict, BrandingOut, params.fields)
