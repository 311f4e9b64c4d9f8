"""Under /portal/ every failure is a page: never the API's JSON envelope, never a stack trace."""

from __future__ import annotations

import pytest

from app.companies import service as company_service
from tests.helpers import World
from tests.portal.browser import Browser, heading, text
from tests.portal.conftest import SignIn


async def test_unknown_pages_and_wrong_methods_are_pages(browser: Browser) -> None:
    for method, path, status in (
        ("GET", "/portal/account/nowhere", 404),
        ("GET", "/portal/sign-in", 405),
        ("DELETE", "/portal/account/companies", 405),
        ("GET", "/portal/static/missing.css", 404),
    ):
        response = await browser.client.request(method, path)
        assert response.status_code == status, (method, path)
        assert response.headers["content-type"].startswith("text/html"), (method, path)
        assert '"status":"error"' not in response.text.replace(" ", "")
    page = await browser.get("/portal/account/nowhere")
    assert heading(page.text) == "Page not found" and 'href="/portal/"' in page.text
    # The API keeps its own envelope.
    api = await browser.client.get("/nowhere")
    assert api.headers["content-type"].startswith("application/json")


async def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(
    browser: Browser, world: World
) -> None:
    response = await browser.get("/portal/account/users")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/?next=/portal/account/users"
    posted = await browser.client.post("/portal/account/profile", data={"name": "X"})
    assert posted.status_code == 303 and posted.headers["location"] == "/portal/"


async def test_an_unexpected_error_is_a_page_with_a_request_id(
    world: World,
    signed_in: SignIn,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    browser = await signed_in(world.a.admin)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(company_service, "list_mine", broken)
    response = await browser.get("/portal/account/companies")
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/html")
    assert heading(response.text) == "Something went wrong on our side"
    request_id = response.headers["x-request-id"]
    assert request_id in text(response.text) and "Traceback" not in response.text
    assert "a bug" not in response.text
    assert any(request_id in r.getMessage() for r in caplog.records)
