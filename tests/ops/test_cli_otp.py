"""`ixon-api token create` for an account with two-factor authentication: `--otp`."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.config import Settings
from app.core.clock import utcnow
from app.db.session import create_engine, create_sessionmaker
from app.otp_auth import crypto, totp
from app.otp_auth.models import OtpAuth
from app.users.models import User
from tests.ops.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Cli
from tests.otp_auth.support import code


async def _turn_on(database_url: str, email: str) -> str:
    secret = totp.new_secret()
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            user = (await session.scalars(select(User).where(User.email_normalized == email))).one()
            session.add(
                OtpAuth(
                    user_id=user.id,
                    secret_encrypted=crypto.encrypt(secret),
                    device_name="Phone",
                    verified_on=utcnow(),
                )
            )
            await session.commit()
    finally:
        await engine.dispose()
    return secret


def test_token_create_takes_the_code(ixon: Cli, seeded: dict[str, str]) -> None:
    secret = asyncio.run(_turn_on(ixon.database_url, ADMIN_EMAIL))
    plain = ["token", "create", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD]
    assert "Two Factor Authentication required" in ixon.fails(*plain)
    token = ixon.ok(*plain, "--otp", code(secret)).strip()
    assert len(token) == 32
