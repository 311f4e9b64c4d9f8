"""A small typed base for the repositories: the queries every domain needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.querying import ListParams, paginate

M = TypeVar("M")


class Repository(Generic[M]):
    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def select(self) -> Select[M]:
        return select(self.model)

    async def one_or_none(self, stmt: Select[M]) -> M | None:
        result = await self.session.scalars(stmt.limit(1))
        return result.unique().one_or_none()

    async def by_public_id(
        self, public_id: str, *where: Any, options: Sequence[Any] = ()
    ) -> M | None:
        model: Any = self.model
        stmt = self.select().where(model.public_id == public_id, *where).options(*options)
        return await self.one_or_none(stmt)

    async def by_public_ids(self, public_ids: Sequence[str], *where: Any) -> dict[str, M]:
        if not public_ids:
            return {}
        model: Any = self.model
        rows = await self.session.scalars(
            self.select().where(model.public_id.in_(public_ids), *where)
        )
        return {row.public_id: row for row in rows}  # type: ignore[attr-defined]

    async def page(
        self, stmt: Select[M], params: ListParams, options: Sequence[Any] = ()
    ) -> tuple[list[M], str | None]:
        return await paginate(self.session, stmt, self.model, params.page, options)

    async def add(self, obj: M) -> M:
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def delete_ids(self, ids: Sequence[int]) -> None:
        """One DELETE. The deleted rows leave the session by the ids the database returns
        ("fetch"): matching each loaded object against the IN list ("evaluate", the default)
        costs ids x objects, seconds for a bulk request of thousands."""
        if ids:
            model: Any = self.model
            await self.session.execute(
                delete(self.model)
                .where(model.id.in_(ids))
                .execution_options(synchronize_session="fetch")
            )
