"""A browser for the portal's pages over httpx: keeps cookies, posts forms with their token."""

from __future__ import annotations

import re
from html import unescape

import httpx

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    match = _CSRF.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match.group(1)


def text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html))
    return " ".join(unescape(without_tags).split())


def heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match is not None
    return text(match.group(1))


class Browser:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(path)

    async def submit(
        self, page: str | httpx.Response, action: str, **fields: str
    ) -> httpx.Response:
        """Posts a form of ``page`` (its CSRF token included) to ``action``."""
        html = page if isinstance(page, str) else page.text
        return await self.client.post(action, data={"csrf_token": csrf(html), **fields})

    async def sign_in(self, email: str, password: str, code: str = "") -> httpx.Response:
        home = await self.get("/portal/")
        return await self.submit(home, "/portal/sign-in", email=email, password=password, code=code)

    def session_cookie(self) -> str | None:
        return self.client.cookies.get("ixon_portal_session", path="/portal")
