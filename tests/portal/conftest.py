from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import Person
from tests.portal.browser import Browser

SignIn = Callable[[Person], Awaitable[Browser]]


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Browser:
    return Browser(client)


@pytest.fixture
async def signed_in(app: FastAPI) -> AsyncIterator[SignIn]:
    """A new browser (its own cookies), signed in as ``person``."""
    clients: list[httpx.AsyncClient] = []

    async def sign_in(person: Person) -> Browser:
        transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50001))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(client)
        browser = Browser(client)
        response = await browser.sign_in(person.email, person.password)
        assert response.status_code == 303, response.text
        return browser

    yield sign_in
    for client in clients:
        await client.aclose()
