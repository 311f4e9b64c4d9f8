"""Failed log-ins are limited per account and per client address (the `limits` library).

Counters live in `IXON_RATE_LIMIT_STORAGE`: memory for one process, Redis for many.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.config import Settings
from app.core.errors import TooManyRequests


def _async_uri(uri: str) -> tuple[str, dict[str, str]]:
    if uri.startswith("async+"):
        return uri, {}
    if uri.startswith(("redis://", "rediss://")):
        return f"async+{uri}", {"implementation": "redispy"}
    return f"async+{uri}", {}


class LoginLimiter:
    def __init__(self, settings: Settings) -> None:
        uri, options = _async_uri(settings.rate_limit_storage)
        self.storage = storage_from_string(uri, **options)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.per_account: RateLimitItem = parse(settings.login_limit_per_account)
        self.per_address: RateLimitItem = parse(settings.login_limit_per_address)

    def _keys(self, account: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [
            (self.per_account, "login-account", account),
            (self.per_address, "login-ip", address),
        ]

    async def check(self, account: str, address: str) -> None:
        """Refuse before the password is even looked at when either budget is spent."""
        for item, namespace, key in self._keys(account, address):
            if not await self.limiter.test(item, namespace, key):
                stats = await self.limiter.get_window_stats(item, namespace, key)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    f"Too many failed log-ins; try again in {retry} seconds",
                    headers={"Retry-After": str(retry)},
                )

    async def failed(self, account: str, address: str) -> None:
        for item, namespace, key in self._keys(account, address):
            await self.limiter.hit(item, namespace, key)

    async def succeeded(self, account: str) -> None:
        await self.limiter.clear(self.per_account, "login-account", account)
