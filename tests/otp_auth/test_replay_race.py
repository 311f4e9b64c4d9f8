"""Two log-ins racing with the same code: the database lets exactly one use it (a
conditional UPDATE of the last used step), on both backends, with real concurrent
transactions."""

from __future__ import annotations

import asyncio

from app.config import Settings
from app.db import migrate
from app.db.session import create_engine, create_sessionmaker
from app.otp_auth import crypto, totp
from app.otp_auth.models import OtpAuth
from app.otp_auth.service import use_code
from app.users import service as user_service
from tests.otp_auth.support import code


async def test_the_same_code_is_accepted_once_under_concurrency(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    engine = create_engine(Settings(database_url=scratch_url))
    maker = create_sessionmaker(engine)
    secret = totp.new_secret()
    try:
        async with maker() as session:
            user = await user_service.create_person(
                session, email="racer@example.com", name="Racer", password="a long passphrase"
            )
            otp = OtpAuth(user_id=user.id, secret_encrypted=crypto.encrypt(secret))
            session.add(otp)
            await session.commit()
            otp_id = otp.id
        value = code(secret)  # one code for every attempt, whatever the clock does meanwhile

        async def attempt() -> bool:
            async with maker() as session:
                row = await session.get(OtpAuth, otp_id)
                assert row is not None
                used = await use_code(session, row, value)
                await asyncio.sleep(0.05)  # hold the transaction open while the other tries
                await session.commit()
                return used

        results = await asyncio.gather(*(attempt() for _ in range(4)))
        assert sorted(results) == [False, False, False, True]
    finally:
        await engine.dispose()
