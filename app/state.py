"""The running application's shared objects, as dependencies: its settings and its log-in
limiter (both built once in `create_app`, never per request), and the client's address."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth.ratelimit import LoginLimiter
from app.config import Settings


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def login_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: see docs/deployment.md)."""
    return request.client.host if request.client else ""


SettingsDep = Annotated[Settings, Depends(app_settings)]
LimiterDep = Annotated[LoginLimiter, Depends(login_limiter)]
ClientDep = Annotated[str, Depends(client_address)]
