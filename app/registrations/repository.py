from __future__ import annotations

from app.db.repository import Repository
from app.registrations.models import Registration


class RegistrationRepository(Repository[Registration]):
    model = Registration
