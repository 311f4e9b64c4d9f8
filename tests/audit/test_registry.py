"""Every table is audited or says why not: a new model cannot slip past the audit log."""

from __future__ import annotations

import app.db.models  # noqa: F401 - every mapper
from app.audit.registry import NOT_AUDITED, by_table
from app.db.base import Base


def test_every_table_is_audited_or_excluded_with_a_reason() -> None:
    tables = set(Base.metadata.tables)
    assert tables - set(by_table()) - set(NOT_AUDITED) == set(), "add them to app/audit/registry"
    assert set(by_table()) & set(NOT_AUDITED) == set()
    assert set(by_table()) | set(NOT_AUDITED) <= tables
