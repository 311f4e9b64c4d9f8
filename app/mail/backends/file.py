"""Writes one ``.eml`` file per message into a folder (IXON_MAIL_DIR)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from app.core.clock import utcnow
from app.mail.message import MailMessage, to_email_message


class FileSender:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    async def send(self, message: MailMessage) -> None:
        data = bytes(to_email_message(message))
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(self._write, name, data)

    def _write(self, name: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a reader of the folder never sees half a message.
        partial = self.directory / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(self.directory / name)
