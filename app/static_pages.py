"""What a browser opens outside the API: `/docs` (Swagger UI), `/redoc` and `/favicon.ico`.

The documentation pages load their scripts and styles from this server, never from a CDN:
industrial sites often have no internet. The assets come from the `fastapi-offline` package
(Swagger UI and ReDoc, MIT; pinned in .ci/constraints.txt). A Content-Security-Policy keeps the
browser on this server as well: ReDoc's footer would fetch a logo from its vendor, Swagger UI
would ask an online validator; both are blocked (and the validator is switched off).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

OWN_ASSETS = Path(__file__).parent / "static"
ASSETS_PATH = "/docs-assets"
FAVICON_PATH = f"{ASSETS_PATH}/favicon.svg"
# Inline scripts and styles are the pages' own (FastAPI's start-up script, ReDoc's styled
# components); ReDoc's search runs in a worker made from a blob.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path") or "").rstrip("/")


def _offline(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return _offline(
        get_swagger_ui_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{FAVICON_PATH}",
            oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
            swagger_ui_parameters={"validatorUrl": None},
        )
    )


@router.get("/docs/oauth2-redirect")
async def swagger_ui_redirect() -> HTMLResponse:
    return _offline(get_swagger_ui_oauth2_redirect_html())


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    return _offline(
        get_redoc_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{FAVICON_PATH}",
            with_google_fonts=False,
        )
    )


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """Browsers ask for it on every origin; a PNG under that name is what they all show."""
    return FileResponse(OWN_ASSETS / "favicon.png", media_type="image/png")


def include(app: FastAPI) -> None:
    # The package's Swagger UI and ReDoc files, and our own favicon beside them.
    assets = StaticFiles(packages=[("fastapi_offline", "static"), ("app", "static")])
    app.mount(ASSETS_PATH, assets, name="docs-assets")
    app.include_router(router)
