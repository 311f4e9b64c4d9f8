"""The baseline: a bare FastAPI endpoint doing the one query `GET /roles` needs, no auth."""

from __future__ import annotations

import os

from fastapi import FastAPI
from sqlalchemy import text

from app.config import Settings
from app.db.session import create_engine

engine = create_engine(Settings(database_url=os.environ["IXON_DATABASE_URL"]))
app = FastAPI()
QUERY = text(
    "SELECT r.public_id, r.name FROM roles r JOIN companies c ON c.id = r.company_id "
    "WHERE c.public_id = :company ORDER BY r.id LIMIT 21"
)


@app.get("/roles")
async def roles(company: str) -> dict[str, object]:
    async with engine.connect() as connection:
        rows = (await connection.execute(QUERY, {"company": company})).all()
    return {
        "type": "Role",
        "data": [{"publicId": p, "name": n} for p, n in rows],
        "moreAfter": None,
        "status": "success",
    }
