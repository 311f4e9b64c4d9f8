"""`GET /brandings` and `GET /companies/{publicId}/branding`: public (no Bearer token)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import ApplicationDep
from app.brandings import service as branding_service
from app.brandings.schemas import BrandingOut
from app.core import envelope
from app.core.envelope import Envelope, ListEnvelope
from app.core.querying import ListQuery, SingleQuery
from app.core.schemas import PublicIdPath
from app.db.session import SessionDep
from app.state import SettingsDep

router = APIRouter()
TYPE = "Branding"


@router.get("/brandings", tags=["BrandingList"], response_model=ListEnvelope[BrandingOut])
async def list_brandings(
    session: SessionDep, settings: SettingsDep, _app: ApplicationDep, params: ListQuery
) -> JSONResponse:
    items, more = await branding_service.list_brandings(session, settings, params)
    return envelope.present_page(TYPE, items, more, envelope.as_is, BrandingOut, params.fields)


@router.get(
    "/companies/{publicId}/branding", tags=["CompanyBranding"], response_model=Envelope[BrandingOut]
)
async def get_company_branding(
    session: SessionDep,
    settings: SettingsDep,
    _app: ApplicationDep,
    public_id: PublicIdPath,
    params: SingleQuery,
) -> JSONResponse:
    data = await branding_service.company_branding(session, settings, public_id, params)
    return envelope.present_one(TYPE, data, envelope.as_is, BrandingOut, params.fields)
