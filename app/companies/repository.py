from __future__ import annotations

from sqlalchemy import Select, select

from app.companies.models import Company
from app.db.repository import Repository
from app.memberships.models import Membership


class CompanyRepository(Repository[Company]):
    model = Company

    def of_member(self, user_id: int) -> Select[Company]:
        """The companies where the user holds a live membership."""
        member = select(Membership.company_id).where(
            Membership.user_id == user_id,
            Membership.live(),
        )
        return select(Company).where(Company.id.in_(member))
