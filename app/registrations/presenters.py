from __future__ import annotations

from typing import Any

from app.registrations.models import Registration


def my_registration(registration: Registration) -> dict[str, Any]:
    return {
        "publicId": registration.public_id,
        "companyName": registration.company_name,
        "name": registration.name,
        "emailAddress": registration.email_address,
        "language": registration.language,
    }
