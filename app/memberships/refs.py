"""The company's groups and roles a membership request names, looked up together up front."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.errors import not_found
from app.core.schemas import Ref
from app.groups.models import Group
from app.memberships.repository import MembershipRepository
from app.roles.models import Role


class Refs:
    """The company's groups and roles a request names, looked up together up front."""

    def __init__(self, groups: dict[str, Group], roles: dict[str, Role]) -> None:
        self.groups, self.roles = groups, roles

    @classmethod
    async def load(
        cls,
        repository: MembershipRepository,
        company_id: int,
        groups: Iterable[Ref | None],
        roles: Iterable[Ref | None],
    ) -> Refs:
        return cls(
            await repository.groups(company_id, [g.publicId for g in groups if g is not None]),
            await repository.roles(company_id, [r.publicId for r in roles if r is not None]),
        )

    def group(self, ref: Ref) -> Group:
        group = self.groups.get(ref.publicId)
        if group is None:
            raise not_found("Group", "group")
        return group

    def role(self, ref: Ref | None) -> Role | None:
        if ref is None:
            return None
        role = self.roles.get(ref.publicId)
        if role is None:
            raise not_found("Role", "role")
        return role
