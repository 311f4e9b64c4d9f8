"""The invitee pages: served at `/portal/...`, outside the IXON API (no IXON headers)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

router = APIRouter(prefix="/portal", include_in_schema=False)


def include(app: FastAPI) -> None:
    app.mount(
        "/portal/static",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="portal-static",
    )
    app.include_router(router)


# The page modules register their routes on `router` when imported.
from app.portal import accounts, home  # noqa: E402, F401
from app.portal import invites as invite_pages  # noqa: E402, F401
