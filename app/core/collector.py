"""Pausing Python's cyclic garbage collector around a bulk write.

A bulk invite makes some hundred thousand short-lived dicts and strings (rows, events, mails);
each few hundred allocations start a collection that walks every young object, which cost a
third of such a request. None of these objects are cyclic garbage, and reference counting
frees them as usual: the pause only skips those walks. Requests overlapping (each may pause
while others await) share one pause; the collector runs again when the last one ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_holders = 0


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _holders
    if _holders == 0 and not gc.isenabled():
        yield  # switched off by someone else: theirs to switch on again
        return
    _holders += 1
    gc.disable()
    try:
        yield
    finally:
        _holders -= 1
        if _holders == 0:
            gc.enable()
