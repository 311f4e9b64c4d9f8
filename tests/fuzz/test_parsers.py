"""Property tests: whatever text a client sends as `fields=`, `filters=`, `page-after` or Basic
credentials, the parsers answer with a result or an AppError (a 4xx), never another exception;
and the app answers 2xx or 4xx."""

from __future__ import annotations

import base64
import contextlib
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.access_tokens.service import parse_basic
from app.core.errors import AppError
from app.core.filters import parse_filters
from app.core.querying import _page
from app.core.selection import parse_fields
from tests.clients.raw import ixon
from tests.helpers import World

# Text built from the parsers' own punctuation, so that examples reach deep into them.
SYNTAX = st.text(alphabet=st.sampled_from('abc.*,()"\\ :=-_0Z\x00\ud800é'), max_size=300)
ANY_TEXT = st.one_of(SYNTAX, st.text(max_size=300))
QUICK = settings(max_examples=300, deadline=None)


@QUICK
@given(st.lists(ANY_TEXT, max_size=4))
def test_fields(raw: list[str]) -> None:
    with contextlib.suppress(AppError):
        parse_fields(raw)


def test_fields_deeper_than_the_stack() -> None:
    for expr in (".".join(["a"] * 5000), "a(" * 5000 + ")" * 5000):
        try:
            parse_fields([expr])
        except AppError:
            continue
        raise AssertionError(f"{expr[:20]}… was accepted")


@QUICK
@given(st.lists(ANY_TEXT, max_size=4))
def test_filters(raw: list[str]) -> None:
    with contextlib.suppress(AppError):
        parse_filters(raw)


@QUICK
@given(st.one_of(st.none(), st.integers()), st.one_of(st.none(), ANY_TEXT))
def test_cursor_and_page_size(size: int | None, after: str | None) -> None:
    try:
        page = _page(size, after)
    except AppError:
        return
    assert 1 <= page.size <= 4000


CREDENTIALS = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: "Basic " + base64.b64encode(b).decode()),
    st.text(max_size=100).map(lambda t: "Basic " + base64.urlsafe_b64encode(t.encode()).decode()),
)


@QUICK
@given(CREDENTIALS)
def test_basic_credentials(header: str) -> None:
    try:
        email, code, password = parse_basic(header)
    except AppError:
        return
    assert "\x00" not in email + code + password


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=ANY_TEXT, filters=ANY_TEXT, after=ANY_TEXT)
async def test_a_list_answers_2xx_or_4xx(
    client: httpx.AsyncClient, world: World, fields: str, filters: str, after: str
) -> None:
    # Surrogates go as the bytes a careless encoder writes (invalid UTF-8).
    query = "&".join(
        f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in (("fields", fields), ("filters", filters), ("page-after", after))
    )
    response = await client.get(f"/users?{query}", headers=ixon(world))
    assert response.status_code < 500, response.text
    assert response.json()["status"] in ("success", "error")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=CREDENTIALS.filter(lambda h: h.isprintable() and h.isascii()))
async def test_a_log_in_answers_4xx(client: httpx.AsyncClient, world: World, header: str) -> None:
    headers = ixon(world, company=False, token=None) | {"Authorization": header}
    response = await client.post("/access-tokens", headers=headers, json={"expiresIn": 60})
    assert 400 <= response.status_code < 500, response.text
