"""Who may read `/metrics`: clients in `IXON_METRICS_ALLOWED_CLIENTS` (addresses or networks)
and, when `IXON_METRICS_TOKEN` is set, only with `Authorization: Bearer <token>`. Both unset,
anyone who reaches the port may (keep it off the public proxy then, see docs/deployment.md).
The figures name routes and mail volumes, not people; still, they are for operators only."""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Network, IPv6Network

from fastapi import Request

from app.config import Settings
from app.core import security
from app.core.errors import Forbidden, Unauthorized


def _client_allowed(request: Request, allowed: list[IPv4Network | IPv6Network]) -> bool:
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in allowed)


def check(request: Request, settings: Settings) -> None:
    """403 for a client outside the allow-list, 401 without the token; else nothing."""
    allowed = settings.metrics_networks
    if allowed and not _client_allowed(request, allowed):
        raise Forbidden("This client may not read the metrics")
    if settings.metrics_token:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not security.constant_time_equal(
            sent.strip(), settings.metrics_token
        ):
            raise Unauthorized(
                "Send Authorization: Bearer <IXON_METRICS_TOKEN>",
                "Authorization",
                headers={"WWW-Authenticate": "Bearer"},
            )
