"""Prints each message (the plain-text part) to a stream: development without a mail server."""

from __future__ import annotations

import sys
from typing import TextIO

from app.mail.message import MailMessage, to_email_message


class ConsoleSender:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, message: MailMessage) -> None:
        mime = to_email_message(message)
        headers = "".join(f"{name}: {value}\n" for name, value in mime.items())
        body = mime.get_body(("plain",))
        text = body.get_content() if body is not None else message.text
        stream = self._stream or sys.stdout
        stream.write(f"{'-' * 72}\n{headers}\n{text.rstrip()}\n{'-' * 72}\n")
        stream.flush()
