"""Sending a delivery: the outbox worker's "webhook" channel.

Signed per Standard Webhooks (`webhook-id` is ``msg_`` + the event's publicId, the same on
every attempt and redelivery, for the receiver's de-duplication). At least once: a 2xx answer
is a delivery, anything else (redirects too: they are not followed) is retried with the
outbox's exponential backoff until `webhook_give_up_seconds` after the delivery was made;
then it is given up, the endpoint disabled and the company's administrators told.

In order per endpoint: a delivery waits while an older one of its endpoint is still queued.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import certifi
import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from app.core.clock import aware, utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.outbox import SCRUBBED
from app.webhooks import targets
from app.webhooks.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.webhooks.service import signing_secret

if TYPE_CHECKING:
    from app.mail.worker import OutboxWorker, _Claim

RESPONSE_READ_MAX = 4096  # bytes of an answer read (and kept in the log as the error)
ERROR_MAX = 2000
USER_AGENT = "ixon-api-webhooks/1"


@dataclass(frozen=True, slots=True)
class Target:
    delivery_id: int
    delivery_created_on: datetime
    attempts: int
    endpoint: WebhookEndpoint
    event: WebhookEvent
    behind: datetime | None  # when an older queued delivery of the endpoint is due


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    status: int | None
    latency_ms: int
    error: str | None


def signed_headers(secret: str, event_id: str, body: str, now: datetime) -> dict[str, str]:
    msg_id = f"msg_{event_id}"
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
    }


def body_of(event: WebhookEvent) -> str:
    return json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False)


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every attempt (building one per request costs more than a POST)."""
    return ssl.create_default_context(cafile=certifi.where())


async def post(url: str, body: str, headers: dict[str, str], seconds: float) -> Outcome:
    """One POST: no redirects, no proxies from the environment, at most RESPONSE_READ_MAX
    bytes of the answer read, all within ``seconds``."""
    started = time.monotonic()
    status: int | None = None
    try:
        async with (
            asyncio.timeout(seconds),
            httpx.AsyncClient(
                timeout=seconds, follow_redirects=False, trust_env=False, verify=_tls()
            ) as client,
            client.stream("POST", url, content=body.encode(), headers=headers) as response,
        ):
            status = response.status_code
            read = b""
            async for chunk in response.aiter_bytes():
                read += chunk
                if len(read) >= RESPONSE_READ_MAX:
                    break
    except (httpx.HTTPError, TimeoutError, OSError) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        detail = str(exc) or ("timed out" if isinstance(exc, TimeoutError) else "")
        return Outcome(False, status, elapsed, f"{type(exc).__name__}: {detail}"[:ERROR_MAX])
    elapsed = int((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return Outcome(True, status, elapsed, None)
    text = read[:RESPONSE_READ_MAX].decode(errors="replace")
    return Outcome(False, status, elapsed, f"HTTP {status}: {text}"[:ERROR_MAX])


class WebhookChannel:
    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker
        self.settings = worker.settings

    async def attempt(self, claim: _Claim, token: str) -> None:
        target = await self._load(claim)
        if target is None or not target.endpoint.enabled:
            await self._cancel(claim, token, target)
            return
        now = utcnow()
        if target.behind is not None:
            # Not an attempt: this one waits until the older one has been tried.
            later = max(now, target.behind) + timedelta(milliseconds=500)
            await self.worker.record(claim, token, next_attempt_on=later)
            return
        outcome = await self._send(target, now)
        await self._record(claim, token, target, outcome)

    async def _load(self, claim: _Claim) -> Target | None:
        public_id = (claim.reference or "").removeprefix("webhook:")
        async with self.worker.sessionmaker() as session:
            row = (
                await session.execute(
                    select(WebhookDelivery, WebhookEndpoint, WebhookEvent)
                    .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                    .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
                    .where(WebhookDelivery.public_id == public_id)
                )
            ).first()
            if row is None:
                return None
            delivery, endpoint, event = row
            behind = await session.scalar(
                select(func.min(OutboxMessage.next_attempt_on))
                .join(WebhookDelivery, WebhookDelivery.outbox_message_id == OutboxMessage.id)
                .where(
                    WebhookDelivery.endpoint_id == endpoint.id,
                    WebhookDelivery.id < delivery.id,
                    WebhookDelivery.status == QUEUED,
                    OutboxMessage.status == OutboxStatus.QUEUED,
                )
            )
        return Target(
            delivery.id,
            delivery.created_on,
            delivery.attempts,
            endpoint,
            event,
            aware(behind) if behind is not None else None,
        )

    async def _send(self, target: Target, now: datetime) -> Outcome:
        secret = signing_secret(target.endpoint)
        if secret is None:
            return Outcome(False, None, 0, "the signing secret cannot be read (secret key changed)")
        try:
            await targets.resolve(target.endpoint.url, self.settings.webhook_networks)
        except targets.TargetRefused as exc:
            return Outcome(False, None, 0, f"refused: {exc}")
        body = body_of(target.event)
        headers = signed_headers(secret, target.event.public_id, body, now)
        return await post(target.endpoint.url, body, headers, self.settings.webhook_timeout)

    async def _cancel(self, claim: _Claim, token: str, target: Target | None) -> None:
        reason = "the endpoint is disabled" if target is not None else "the delivery is gone"

        async def also(session: AsyncSession) -> None:
            if target is not None:
                await _update_delivery(session, target, status=CANCELLED, last_error=reason)

        await self.worker.record(
            claim, token, also=also, status=OutboxStatus.CANCELLED, last_error=reason, **SCRUBBED
        )

    async def _record(self, claim: _Claim, token: str, target: Target, outcome: Outcome) -> None:
        now = utcnow()
        attempts = claim.attempts + 1
        log: dict[str, Any] = {
            "attempts": target.attempts + 1,
            "response_code": outcome.status,
            "latency_ms": outcome.latency_ms,
            "last_error": outcome.error,
            "last_attempt_on": now,
        }
        if outcome.ok:

            async def delivered(session: AsyncSession) -> None:
                await _update_delivery(session, target, status=DELIVERED, delivered_on=now, **log)

            await self.worker.record(
                claim,
                token,
                also=delivered,
                status=OutboxStatus.SENT,
                attempts=attempts,
                sent_on=now,
                **SCRUBBED,
            )
            self.worker.sent_count += 1
            return
        self.worker.failed_count += 1
        given_up = now - aware(target.delivery_created_on) >= timedelta(
            seconds=self.settings.webhook_give_up_seconds
        )
        if not given_up:

            async def failed(session: AsyncSession) -> None:
                await _update_delivery(session, target, **log)

            retry = now + self.worker.backoff(attempts)
            await self.worker.record(
                claim,
                token,
                also=failed,
                attempts=attempts,
                last_error=outcome.error,
                next_attempt_on=retry,
            )
            return

        async def give_up(session: AsyncSession) -> None:
            from app.webhooks.notices import endpoint_disabled

            await _update_delivery(session, target, status=FAILED, **log)
            await endpoint_disabled(session, self.settings, target.endpoint, outcome.error)

        await self.worker.record(
            claim,
            token,
            also=give_up,
            status=OutboxStatus.DEAD,
            attempts=attempts,
            last_error=outcome.error,
            **SCRUBBED,
        )


async def _update_delivery(session: AsyncSession, target: Target, **values: Any) -> None:
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == target.delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
