"""`GET /{api-version}/{api-application}/scim/v2/ServiceProviderConfig` and `/Schemas`.

SCIM clients cannot send IXON's headers, so the version and the application are in the
path; `Api-Version` is accepted but not required here, and no token is needed (IXON's
document declares none). The answers are IXON's envelope with the SCIM document as `data`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse

from app.applications import service as application_service
from app.core import envelope
from app.core.envelope import Envelope, ErrorEnvelope
from app.core.errors import BadRequest
from app.db.session import SessionDep
from app.scim import documents

router = APIRouter(
    responses={"4XX": {"model": ErrorEnvelope, "description": "IXON's error envelope"}}
)
VersionPath = Annotated[str, Path(description="The API version: 2.")]
ApplicationPath = Annotated[str, Path(description="Your application id (12 characters).")]
OptionalVersion = Annotated[
    str | None,
    Header(alias="Api-Version", description="Optional here (the version is in the path); 2."),
]
# Starlette path parameters are identifiers; the document shows IXON's names.
ROUTE_PREFIX = "/{api_version}/{api_application}/scim/v2"
DOCUMENT_PREFIX = "/{api-version}/{api-application}/scim/v2"


async def _check(session: SessionDep, version: str, application: str, header: str | None) -> None:
    if version != "2":
        raise BadRequest(f"API version {version!r} is not supported; use 2", "api-version")
    if header is not None and header.strip() != "2":
        raise BadRequest(
            f"Api-Version {header!r} is not supported; send Api-Version: 2", "Api-Version"
        )
    await application_service.get_enabled(session, application)


def _base(request: Request) -> str:
    return str(request.url).split("?", 1)[0].rsplit("/", 1)[0]


@router.get(
    f"{ROUTE_PREFIX}/ServiceProviderConfig",
    tags=["ScimServiceProviderConfig"],
    operation_id="getScimServiceProviderConfig",
    response_model=Envelope[dict[str, Any]],
    summary="SCIM: what this service provider supports (RFC 7643 §5)",
)
async def service_provider_config(
    request: Request,
    session: SessionDep,
    api_version: VersionPath,
    api_application: ApplicationPath,
    version_header: OptionalVersion = None,
) -> JSONResponse:
    await _check(session, api_version, api_application, version_header)
    return envelope.success(
        "ScimServiceProviderConfig", documents.service_provider_config(_base(request))
    )


@router.get(
    f"{ROUTE_PREFIX}/Schemas",
    tags=["ScimSchemas"],
    operation_id="getScimSchemas",
    response_model=Envelope[dict[str, Any]],
    summary="SCIM: the resource schemas this service provider knows (RFC 7643 §7)",
)
async def schemas(
    request: Request,
    session: SessionDep,
    api_version: VersionPath,
    api_application: ApplicationPath,
    version_header: OptionalVersion = None,
) -> JSONResponse:
    await _check(session, api_version, api_application, version_header)
    return envelope.success("ScimSchemas", documents.schemas(_base(request)))


def _document_paths(app: FastAPI) -> None:
    """Shows the SCIM paths with IXON's parameter names in the OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document["paths"] = {
                path.replace(ROUTE_PREFIX, DOCUMENT_PREFIX): value
                for path, value in document["paths"].items()
            }
            for path, operations in document["paths"].items():
                if path.startswith(DOCUMENT_PREFIX):
                    for operation in operations.values():
                        for parameter in operation.get("parameters", []):
                            if parameter["in"] == "path":
                                parameter["name"] = parameter["name"].replace("_", "-")
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def include(app: FastAPI) -> None:
    """At `/` only; `/api` serves the same routes (app/core/prefix.py)."""
    app.include_router(router)
    _document_paths(app)
