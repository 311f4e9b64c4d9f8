"""The application factory."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from app import api, observability, openapi_links, static_pages
from app.auth.ratelimit import LoginLimiter
from app.config import Settings, get_settings
from app.core import handlers, security
from app.core.limits import InputGuardMiddleware
from app.core.prefix import ApiPrefixMiddleware
from app.core.response_headers import NoSniffMiddleware
from app.db.session import create_engine, create_sessionmaker
from app.idempotency.middleware import IdempotencyMiddleware
from app.mail import renderer as mail_renderer
from app.mail.registry import sender_from_settings
from app.mail.runner import BackgroundWorker
from app.mail.worker import OutboxWorker
from app.otp_auth import crypto as otp_crypto
from app.portal import router as portal

DESCRIPTION = """An IXON Cloud APIv2-compatible user-management API: companies, users, roles,
permissions, groups, memberships, invites and access tokens.

Every operation takes `Api-Version: 2`; most take `Api-Application`, company-scoped ones
`Api-Company`. Answers use IXON's envelope `{type, data, moreAfter, status}`; every 4xx is
`{type: "Error", data: [{message, propertyName, listIndex}], status: "error"}`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logging.getLogger("app").setLevel(settings.log_level)
        security.configure_pool(settings.password_hash_threads)
        if getattr(app.state, "engine", None) is None:
            app.state.engine = create_engine(settings)
            app.state.sessionmaker = create_sessionmaker(app.state.engine)
            owns_engine = True
        else:
            owns_engine = False
        await asyncio.to_thread(mail_renderer.warm_up)
        # What start-up made lives as long as the process: later collections skip it.
        gc.freeze()
        if getattr(app.state, "mail_sender", None) is None:
            app.state.mail_sender = sender_from_settings(settings)
        mail_worker = None
        if settings.outbox_worker:
            app.state.outbox_worker = OutboxWorker(
                app.state.sessionmaker, app.state.mail_sender, settings
            )
            mail_worker = BackgroundWorker(app.state.outbox_worker)
        yield
        if mail_worker is not None:
            await mail_worker.stop()
        await app.state.login_limiter.aclose()
        if owns_engine:
            await app.state.engine.dispose()

    app = FastAPI(
        title="IXON-compatible user-management API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # served from local files by app/static_pages.py
        redoc_url=None,
        servers=[{"url": "/", "description": "This server (every path is also under /api)"}],
    )
    app.state.settings = settings
    otp_crypto.configure(settings.secret_key)
    app.state.engine = None
    app.state.login_limiter = LoginLimiter(settings)
    # Innermost: the replayed answer of a key still passes the request id, metrics and headers.
    app.add_middleware(IdempotencyMiddleware)
    observability.install(app, settings)
    app.add_middleware(  # inside the request id's: a 413 carries the id too
        InputGuardMiddleware,
        max_body=settings.max_body_bytes,
        max_bulk_body=settings.max_bulk_body_bytes,
    )
    handlers.install(app)
    app.add_middleware(NoSniffMiddleware)  # outermost: error answers carry it too
    # Innermost (the list runs outside in): the request id and the log see the path as sent.
    app.user_middleware.append(Middleware(ApiPrefixMiddleware, paths=api.include(app)))
    portal.include(app)
    static_pages.include(app)
    openapi_links.install(app)
    return app
