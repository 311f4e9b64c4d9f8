"""Failures of a message that no retry can fix: the outbox gives such a message up at once."""

from __future__ import annotations


class PermanentMailError(Exception):
    """The message cannot be delivered as it is (refused recipient, invalid address)."""


class InvalidMessage(PermanentMailError, ValueError):
    """A header value is malformed: not an address, or a line break that could add headers."""
