"""`/webhook-endpoints`: administrators only, one company's endpoints, the secret shown once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.otp_auth import crypto
from app.webhooks.models import WebhookEndpoint
from tests.helpers import Api, error_props

HOOK = {"url": "https://hooks.example.com/ixon", "events": ["invite.created", "invite.accepted"]}


async def _create(api: Api, **kwargs: object) -> dict[str, object]:
    response = await api.post("/webhook-endpoints", json=HOOK | kwargs)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


async def test_create_shows_the_secret_once_and_stores_it_encrypted(
    api: Api, session: AsyncSession
) -> None:
    created = await _create(api, description="CRM")
    secret = created["secret"]
    assert isinstance(secret, str) and secret.startswith("whsec_")
    assert created["events"] == HOOK["events"] and created["enabled"] is True
    public_id = created["publicId"]
    shown = (await api.get(f"/webhook-endpoints/{public_id}", params={"fields": "*"})).json()
    assert "secret" not in shown["data"] and shown["data"]["description"] == "CRM"
    stored = await session.scalar(
        select(WebhookEndpoint.secret_encrypted).where(WebhookEndpoint.public_id == public_id)
    )
    assert stored is not None and secret not in stored
    assert crypto.decrypt(stored, crypto.WEBHOOK) == secret
    assert crypto.decrypt(stored) is None  # the OTP key does not open it


async def test_list_fields_and_paging(api: Api) -> None:
    ids = [(await _create(api, url=f"https://hooks.example.com/{i}"))["publicId"] for i in range(3)]
    page = (await api.get("/webhook-endpoints", params={"page-size": "2"})).json()
    assert [e["publicId"] for e in page["data"]] == ids[:2] and page["moreAfter"] == ids[1]
    rest = await api.get(
        "/webhook-endpoints", params={"page-after": ids[1], "fields": "publicId,url"}
    )
    assert rest.json()["data"] == [{"publicId": ids[2], "url": "https://hooks.example.com/2"}]


async def test_patch_and_delete(api: Api) -> None:
    public_id = (await _create(api))["publicId"]
    path = f"/webhook-endpoints/{public_id}"
    patched = await api.patch(path, json={"events": ["membership.removed"], "enabled": False})
    assert patched.status_code == 200, patched.text
    data = (await api.get(path, params={"fields": "events,enabled"})).json()["data"]
    assert data == {"publicId": public_id, "events": ["membership.removed"], "enabled": False}
    assert (await api.delete(path)).status_code == 200
    assert (await api.get(path)).status_code == 404


async def test_bad_input_is_a_400_naming_the_property(api: Api) -> None:
    cases = [
        ({"url": "ftp://hooks.example.com/x"}, "url"),
        ({"url": "http://127.0.0.1:9/x"}, "url"),
        ({"url": "http://10.1.2.3/x"}, "url"),
        ({"url": "http://[::1]/x"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://localhost:8000/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": ["invite.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"secret": "mine"}, "secret"),
    ]
    for change, prop in cases:
        response = await api.post("/webhook-endpoints", json=HOOK | change)
        assert response.status_code == 400, (change, response.text)
        assert prop in error_props(response), (change, response.text)
    public_id = (await _create(api))["publicId"]
    for body in ({"url": None}, {"enabled": None}, {"url": "gopher://x"}):
        response = await api.patch(f"/webhook-endpoints/{public_id}", json=body)
        assert response.status_code == 400, (body, response.text)


async def test_only_administrators(api: Api) -> None:
    viewer = await api.world.member(api.world.a, "Viewer")
    for method, path in (("GET", "/webhook-endpoints"), ("POST", "/webhook-endpoints")):
        response = await api.request(method, path, token=viewer.token, json=HOOK)
        assert response.status_code == 403, response.text
    admin = await api.world.member(api.world.a, "Administrator")
    response = await api.post("/webhook-endpoints", token=admin.token, json=HOOK)
    assert response.status_code == 201


async def test_another_company_sees_nothing(api: Api) -> None:
    public_id = (await _create(api))["publicId"]
    b = api.world.b
    listed = await api.get("/webhook-endpoints", token=b.admin.token, company=b.id)
    assert listed.json()["data"] == []
    for method, path, body in (
        ("GET", f"/webhook-endpoints/{public_id}", None),
        ("PATCH", f"/webhook-endpoints/{public_id}", {"enabled": False}),
        ("DELETE", f"/webhook-endpoints/{public_id}", None),
        ("GET", f"/webhook-endpoints/{public_id}/deliveries", None),
        ("POST", f"/webhook-endpoints/{public_id}/events/abcdefabcdef/redeliver", None),
    ):
        response = await api.request(method, path, token=b.admin.token, company=b.id, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await api.get(f"/webhook-endpoints/{public_id}")).status_code == 200


async def test_event_types_and_discovery(api: Api) -> None:
    types = (await api.get("/webhook-event-types")).json()["data"]
    assert {"invite.accepted", "user.removed"} <= {t["publicId"] for t in types}
    rels = {d["rel"]: d for d in (await api.get("/", company=None)).json()["data"]}
    assert rels["WebhookEndpointList"]["methods"] == ["GET", "POST"]
    assert rels["WebhookEndpoint"]["methods"] == ["DELETE", "GET", "PATCH"]
    assert "WebhookDeliveryList" in rels and "WebhookRedelivery" in rels
