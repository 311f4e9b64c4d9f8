"""Attempts at a secret (a log-in password, the old password of a change, a two-factor code)
are counted in `IXON_RATE_LIMIT_STORAGE` (the `limits` library: memory for one process, Redis
for many) BEFORE the secret is checked, with one atomic increment per counter, so concurrent
attempts cannot slip through between a check and a count. A success gives its counts back.

Four counters per kind of secret, all fixed windows (docs/security.md has the reasons):

- one account from one client (`IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT`): refused when spent;
- one client, any account (`IXON_LOGIN_LIMIT_PER_ADDRESS`): refused when spent;
- one account from anywhere (`IXON_LOGIN_LIMIT_PER_ACCOUNT`): past it, the clients that have
  already failed on the account share one attempt per delay, the delay doubling each time up to
  `IXON_LOGIN_DELAY_MAX_SECONDS`;
- the whole service (`IXON_LOGIN_LIMIT_GLOBAL`): past it, clients that have failed anywhere
  wait for the window to end.

A client that has not failed is never refused because other clients failed: an attacker
cannot lock someone out of their account.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import redis.asyncio
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.config import Settings
from app.core.errors import TooManyRequests


class Secret(StrEnum):
    """What an attempt tries; each kind has its own counters."""

    # Log-in: POST /access-tokens, the portal's sign-in, an invite page.
    PASSWORD = "password"  # noqa: S105 - a kind of secret, not one
    OLD_PASSWORD = "old-password"  # noqa: S105 - the `oldPassword` of POST /users/me/password
    OTP = "otp"  # a two-factor code


@dataclass(frozen=True, slots=True)
class Policy:
    pair: RateLimitItem
    client: RateLimitItem
    account: RateLimitItem
    everywhere: RateLimitItem
    max_delay: int


def _async_uri(uri: str) -> tuple[str, dict[str, Any]]:
    if uri.startswith("async+"):
        return uri, {}
    if uri.startswith(("redis://", "rediss://")):
        # Our own pool, so that shutting down can close its connections (`aclose`).
        pool = redis.asyncio.ConnectionPool.from_url(uri)
        return f"async+{uri}", {"implementation": "redispy", "connection_pool": pool}
    return f"async+{uri}", {}


def _refusal(seconds: float, what: str, property_name: str | None) -> TooManyRequests:
    retry = max(1, math.ceil(seconds))
    return TooManyRequests(
        f"Too many {what}; try again in {retry} seconds",
        property_name,
        headers={"Retry-After": str(retry)},
    )


WHAT = {
    Secret.PASSWORD: "failed log-ins",
    Secret.OLD_PASSWORD: "failed password checks",
    Secret.OTP: "failed two-factor codes",
}


class Attempt:
    """One counted try at a secret. Call `succeeded()` when the secret was right; an attempt
    that never succeeds stays counted as a failure."""

    def __init__(self, limiter: LoginLimiter, pair: str, given_back: list[tuple[str, int]]):
        self._limiter = limiter
        self._pair = pair
        self._given_back = given_back

    async def succeeded(self) -> None:
        await self._limiter.storage.clear(self._pair)
        await self._limiter.give_back(self._given_back)


class LoginLimiter:
    def __init__(self, settings: Settings) -> None:
        uri, options = _async_uri(settings.rate_limit_storage)
        self._pool: redis.asyncio.ConnectionPool | None = options.get("connection_pool")
        storage = storage_from_string(uri, **options)
        assert isinstance(storage, Storage)  # an async+ URI gives an async storage
        self.storage: Storage = storage
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.policy = Policy(
            pair=parse(settings.login_limit_per_account_client),
            client=parse(settings.login_limit_per_address),
            account=parse(settings.login_limit_per_account),
            everywhere=parse(settings.login_limit_global),
            max_delay=settings.login_delay_max_seconds,
        )
        # Budgets of requests that send e-mail (password resets, registrations).
        self.mail_per_address = parse(settings.recover_limit_per_address)
        self.mail_per_client = parse(settings.recover_limit_per_client)
        windows = (self.policy.pair, self.policy.account)
        self._generation_ttl = 2 * max(item.get_expiry() for item in windows)

    async def attempt(
        self, kind: Secret, account: str, client: str, property_name: str | None = None
    ) -> Attempt:
        """Counts one attempt by ``client`` at ``account``'s secret of ``kind``, before the
        secret is checked; 429 (Retry-After, naming ``property_name``) when it may not be
        tried now. ``account`` names the account as the caller typed it (normalised), known
        or not; ``client`` is the client's address."""
        p = self.policy
        generation = await self.storage.get(_generation_key(account))
        keys = _Keys(kind, account, client, generation)
        counted: list[tuple[str, int]] = []
        try:
            pair = await self._count(keys.pair, p.pair, counted)
            if pair > p.pair.amount:
                raise await self._refuse(keys.pair, kind, property_name)
            by_client = await self._count(keys.by_client, p.client, counted)
            if by_client > p.client.amount:
                raise await self._refuse(keys.by_client, kind, property_name)
            # Successes clear the pair and give back the rest: what is left are failures.
            by_account = await self._count(keys.by_account, p.account, counted)
            excess = by_account - p.account.amount
            if excess > 0 and kind is Secret.OTP:
                # Only someone who knows the password gets to try a code: a hard limit on
                # the account locks no stranger's victim out, and a botnet that has the
                # password gets no fresh guesses per address.
                raise await self._refuse(keys.by_account, kind, property_name)
            if excess > 0 and pair > 1 and not await self._take_slot(keys.slot, excess):
                raise await self._refuse(keys.slot, kind, property_name)
            everywhere = await self._count(keys.everywhere, p.everywhere, counted)
            if everywhere > p.everywhere.amount and by_client > 1:
                raise await self._refuse(keys.everywhere, kind, property_name)
        except TooManyRequests:
            await self.give_back(counted)  # a refused attempt checked nothing
            raise
        return Attempt(self, keys.pair, counted[1:])

    async def aclose(self) -> None:
        """Closes the Redis connections, if any (at shutdown)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def release(self, account: str) -> None:
        """Lifts every block on ``account`` (its password was just reset by its owner)."""
        await self.storage.incr(_generation_key(account), self._generation_ttl)

    async def spend(
        self, item: RateLimitItem, namespace: str, key: str, message: str = "requests"
    ) -> None:
        """One request of a budget that is not about a secret (password-reset e-mails,
        registrations): 429 once ``item`` is used up for ``key``."""
        if not await self.limiter.hit(item, namespace, key):
            stats = await self.limiter.get_window_stats(item, namespace, key)
            raise _refusal(stats.reset_time - time.time(), message, None)

    async def _count(self, key: str, item: RateLimitItem, counted: list[tuple[str, int]]) -> int:
        value = int(await self.storage.incr(key, item.get_expiry()))
        counted.append((key, item.get_expiry()))
        return value

    async def _take_slot(self, key: str, excess: int) -> bool:
        """The one attempt per delay that the failed clients of a much-attacked account
        share; the delay doubles with every failure past the loose per-account limit."""
        delay = min(self.policy.max_delay, 2 ** min(excess - 1, 30))
        return int(await self.storage.incr(key, delay)) == 1

    async def _refuse(self, key: str, kind: Secret, property_name: str | None) -> TooManyRequests:
        expiry = await self.storage.get_expiry(key)
        return _refusal(expiry - time.time(), WHAT[kind], property_name)

    async def give_back(self, counted: list[tuple[str, int]]) -> None:
        for key, expiry in counted:
            if await self.storage.get(key) > 0:
                await self.storage.incr(key, expiry, amount=-1)


def _generation_key(account: str) -> str:
    return f"ixon/generation/{account}"


@dataclass(frozen=True, slots=True)
class _Keys:
    kind: Secret
    account: str
    client: str
    generation: int

    @property
    def pair(self) -> str:
        return f"ixon/{self.kind}/pair/{self.generation}/{self.account}/{self.client}"

    @property
    def by_client(self) -> str:
        return f"ixon/{self.kind}/client/{self.client}"

    @property
    def by_account(self) -> str:
        return f"ixon/{self.kind}/account/{self.generation}/{self.account}"

    @property
    def slot(self) -> str:
        return f"ixon/{self.kind}/slot/{self.generation}/{self.account}"

    @property
    def everywhere(self) -> str:
        return f"ixon/{self.kind}/everywhere"
