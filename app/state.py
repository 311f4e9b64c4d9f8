"""The running application's shared objects, as dependencies: its settings and its log-in
limiter (both built once in `create_app`, never per request)."""

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


SettingsDep = Annotated[Settings, Depends(app_settings)]
LimiterDep = Annotated[LoginLimiter, Depends(login_limiter)]
