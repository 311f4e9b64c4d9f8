"""The portal's pages: served at `/portal/...`, outside the IXON API (no IXON headers).

The invitee pages (invites.py), the pages of the other e-mail links (accounts.py) and the
account portal of a signed-in person (signin.py, companies.py, invitations.py, profile.py,
password.py, users.py). Every failure under /portal/ answers with a page (errors.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from app.portal.errors import PageRoute
from app.portal.errors import install as install_error_pages

router = APIRouter(prefix="/portal", include_in_schema=False, route_class=PageRoute)


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
    users,
)
from app.portal import invites as invite_pages  # noqa: E402, F401
