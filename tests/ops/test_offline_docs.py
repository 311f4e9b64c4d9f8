"""`/docs` and `/redoc` work without internet: every asset is served here, no other host named."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
HOST = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,})""")
TYPES = {".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_docs_page_names_no_other_host(client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert HOST.findall(page.text) == []
    # The browser, too, is kept on this server (ReDoc's footer logo, Swagger's validator).
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "http" not in policy
    if path == "/docs":
        assert '"validatorUrl": null' in page.text
        assert "url: '/openapi.json'" in page.text
    else:
        assert 'spec-url="/openapi.json"' in page.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_every_asset_the_page_loads_is_served(client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path)
    assets = ASSET.findall(page.text)
    assert len(assets) >= 2  # the script (and stylesheet) and the favicon
    for asset in assets:
        assert urlsplit(asset).netloc == "" and asset.startswith("/"), asset
        answer = await client.get(asset)
        assert answer.status_code == 200, asset
        suffix = asset[asset.rindex(".") :]
        assert TYPES[suffix] in answer.headers["content-type"], asset
        assert len(answer.content) > 100, asset


async def test_the_openapi_document_the_pages_load_is_served(client: httpx.AsyncClient) -> None:
    answer = await client.get("/openapi.json")
    assert answer.status_code == 200 and answer.json()["openapi"].startswith("3.")


async def test_a_favicon_is_served_where_browsers_look_for_it(client: httpx.AsyncClient) -> None:
    answer = await client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG")
