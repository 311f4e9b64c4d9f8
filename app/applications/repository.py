from __future__ import annotations

from app.applications.models import Application
from app.db.repository import Repository


class ApplicationRepository(Repository[Application]):
    model = Application
