"""The portal's pages: served at `/portal/...`, outside the IXON API (no IXON headers).

The invitee pages (invites.py), the pages of the other e-mail links (accounts.py) and the
account portal of a signed-in person (signin.py, companies.py, invitations.py, profile.py,
password.py, two_factor.py, users.py). Every failure under /portal/ answers with a page
(errors.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, NoMatchFound

from app.portal.common import PAGE_GLOBALS
from app.portal.errors import PageRoute
from app.portal.errors import install as install_error_pages

router = APIRouter(prefix="/portal", include_in_schema=False, route_class=PageRoute)
_pages: dict[str, BaseRoute] = {}


def portal_path(name: str, **params: str) -> str:
    """The path of a portal page by its route name, asked of this router alone: the app's own
    `url_for` walks every route of every included router, milliseconds a call."""
    if not _pages:
        _pages.update({r.name: r for r in router.routes if isinstance(r, APIRoute)})
    route = _pages.get(name)
    if route is None:
        raise NoMatchFound(name, params)
    return str(route.url_path_for(name, **params))


def has_page(name: str) -> bool:
    try:
        portal_path(name)
    except NoMatchFound:
        return False
    return True


PAGE_GLOBALS["portal_path"] = portal_path


def include(app: FastAPI) -> None:
    app.mount(
        "/portal/static",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="portal-static",
    )
    app.include_router(router)
    install_error_pages(app)


# The page modules register their routes on `router` when imported.
from app.portal import (  # noqa: E402, F401
    accounts,
    companies,
    home,
    invitations,
    password,
    profile,
    signin,
    two_factor,
    users,
)
from app.portal import invites as invite_pages  # noqa: E402, F401
