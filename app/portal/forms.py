"""Posted forms of the account portal: read once, CSRF-checked, their fields checked.

Every POST carries its page's CSRF token (app/portal/common.py); for a signed-in page the token
is bound to the session, so it is useless in another browser or after sign-out. A form without
a valid one changes nothing: its page is shown again saying so (403). Text that a database
cannot store (NUL) is refused here, before any service sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.core.errors import BadRequest
from app.portal.common import CSRF_FIELD, csrf_valid
from app.portal.errors import FormError
from app.portal.sessions import SignedIn, Visit
from app.users import service as user_service

HOME = "home"  # the CSRF binding of the sign-in page's forms (app/portal/home.py)
FIELD_LIMIT = 4096  # characters; no field of these forms is longer
PUBLIC_ID_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (kept for the page shown again if the post fails)."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    request.state.portal_form = values
    if any("\x00" in v or len(v) > FIELD_LIMIT for v in values.values()):
        raise FormError({"": "form_invalid"})
    return values


async def anonymous_form(request: Request, binding: str) -> dict[str, str]:
    values = await read_form(request)
    if not csrf_valid(request, binding, values.get(CSRF_FIELD)):
        raise FormError({"": "form_expired"}, status_code=403)
    return values


@dataclass(slots=True)
class Posted:
    """A signed-in visit's POST: its fields, checked against the session's CSRF token."""

    visit: Visit
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def in_current_company(self) -> None:
        """Forms that act in a company name it: after a switch in another tab, a form of the
        previous company must not act in the new one."""
        company = self.visit.company
        if company is None or self.get("company") != company.public_id:
            raise FormError({"": "company_changed"}, status_code=409)


async def _posted(request: Request, visit: SignedIn) -> Posted:
    values = await read_form(request)
    if not csrf_valid(request, visit.binding, values.get(CSRF_FIELD)):
        raise FormError({"": "form_expired"}, status_code=403)
    return Posted(visit, values)


SignedInPost = Annotated[Posted, Depends(_posted)]


class Fields:
    """Checks a form's fields, collecting one message code per field; `done()` raises them."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, max_length: int = 255, required: bool = True) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.errors[name] = f"{name}_missing"
        elif len(value) > max_length:
            self.errors[name] = f"{name}_too_long"
        return value

    def password(self, name: str) -> str:
        """Taken as typed (never trimmed); 8 to 1024 characters, as the API takes them."""
        value = self.values.get(name, "")
        if not value:
            self.errors[name] = f"{name}_missing"
        elif not user_service.MIN_PASSWORD <= len(value) <= user_service.MAX_PASSWORD:
            self.errors[name] = f"{name}_length"
        return value

    def email(self, name: str) -> str:
        value = self.text(name, max_length=254)
        if value and name not in self.errors:
            try:
                user_service.check_email(value, name)
            except BadRequest:
                self.errors[name] = f"{name}_invalid"
        return value

    def choice(self, name: str, allowed: set[str]) -> str:
        value = self.values.get(name, "")
        if value not in allowed:
            self.errors[name] = f"{name}_missing"
        return value

    def public_id(self, name: str) -> str:
        value = self.values.get(name, "")
        if not PUBLIC_ID_RE.match(value):
            self.errors[name] = f"{name}_missing"
        return value

    def fail(self, name: str, code: str) -> None:
        self.errors.setdefault(name, code)

    def done(self) -> None:
        if self.errors:
            raise FormError(self.errors)
