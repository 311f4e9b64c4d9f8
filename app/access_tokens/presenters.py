from __future__ import annotations

from typing import Any

from app.access_tokens.models import AccessToken
from app.core.clock import iso


def access_token(token: AccessToken) -> dict[str, Any]:
    data: dict[str, Any] = {
        "publicId": token.public_id,
        "created": {
            "ip": token.created_ip,
            "on": iso(token.created_on),
            "userAgent": token.created_user_agent,
        },
        "scope": token.scope or {"type": "unrestricted"},
        "ssoIdentityProvider": None,
    }
    if token.expires_on is not None:  # service-account tokens do not expire
        data["expiresOn"] = iso(token.expires_on)
    return data
