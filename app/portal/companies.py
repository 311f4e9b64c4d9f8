"""My companies: the ones I belong to, the one the pages act in (switching), and a new one.

A new company is made as the seeds' getting-started guide describes ("Add new company", its
name, "Register"): the same service as `POST /companies`, so its creator is its administrator
through the company group. The pages then act in it (as after a switch).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.companies import service as company_service
from app.companies.schemas import CompanyCreate
from app.core.querying import MAX_PAGE_SIZE, ListParams, Page
from app.invites import service as invite_service
from app.portal.errors import Form, redisplays
from app.portal.forms import Fields, SignedInPost
from app.portal.router import portal_path, router
from app.portal.sessions import SignedIn, Visit, choose_company, open_visit, see_other


async def companies_page(
    visit: Visit, form: Form | None = None, status_code: int = 200
) -> HTMLResponse:
    everything = ListParams(page=Page(size=MAX_PAGE_SIZE))
    companies, _ = await company_service.list_mine(visit.session, visit.auth, everything)
    one = ListParams(page=Page(size=1))
    invited, _ = await invite_service.list_for_user(visit.session, visit.auth, one)
    return visit.page(
        "account/companies.html",
        status_code=status_code,
        current="portal_companies",
        form=form or Form(),
        companies=companies,
        invited=bool(invited),
    )


async def companies_again(
    request: Request, session: AsyncSession, form: Form, status_code: int
) -> Response:
    return await companies_page(await open_visit(request, session), form, status_code)


def _back(visit: Visit, done: str) -> str:
    return f"{portal_path('portal_companies')}?done={done}"


@router.get("/account/companies", name="portal_companies")
async def companies(visit: SignedIn) -> HTMLResponse:
    return await companies_page(visit)


@router.post("/account/companies/switch", name="portal_switch_company")
@redisplays(companies_again)
async def switch_company(post: SignedInPost) -> Response:
    """The pages act in this company from now on (one of the user's own, else 404)."""
    visit = post.visit
    company = await company_service.get_mine(visit.session, visit.auth, post.get("company"))
    response = see_other(_back(visit, "switched"))
    choose_company(visit.request, response, company.public_id)
    return response


@router.post("/account/companies", name="portal_add_company")
@redisplays(companies_again, name="company_name")
async def add_company(post: SignedInPost) -> Response:
    visit = post.visit
    fields = Fields(post.values)
    name = fields.text("company_name")
    fields.done()
    company = await company_service.create(visit.session, visit.user, CompanyCreate(name=name))
    response = see_other(_back(visit, "company-created"))
    choose_company(visit.request, response, company.public_id)
    return response
