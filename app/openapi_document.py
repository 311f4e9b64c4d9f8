"""The committed OpenAPI document (openapi/openapi.json), generated from the app."""

from __future__ import annotations

import json

from app.config import Settings
from app.main import create_app


def render() -> str:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return json.dumps(app.openapi(), indent=2, sort_keys=False) + "\n"
