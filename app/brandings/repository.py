from __future__ import annotations

from sqlalchemy import select

from app.brandings.models import Branding
from app.companies.models import Company
from app.db.repository import Repository


class BrandingRepository(Repository[Branding]):
    model = Branding

    async def by_fqdn(self, fqdn: str) -> Branding | None:
        return await self.one_or_none(select(Branding).where(Branding.fqdn == fqdn))

    async def all(self) -> list[Branding]:
        return list(await self.session.scalars(select(Branding).order_by(Branding.id)))

    async def company(self, public_id: str) -> Company | None:
        """Any company by its publicId: a company's branding is public (IXON's spec)."""
        result = await self.session.scalars(
            select(Company).where(Company.public_id == public_id).limit(1)
        )
        return result.first()
