"""New passwords that are too easy to guess are refused: common ones (`Password1`, `welkom01`),
keyboard walks, repeats, and the account's own name or address. zxcvbn (Dropbox's estimator,
kept up as the `zxcvbn` package) judges them; a password it scores below `MIN_SCORE` (fewer than
about a million guesses) is refused.

Only new passwords are judged: a log-in or an `oldPassword` is checked against its hash as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from app.i18n.catalogues import N_

MIN_SCORE = 2
# zxcvbn's running time grows with the length; what it cannot guess in the first 72
# characters it cannot guess at all.
JUDGED_LENGTH = 72
TOO_COMMON = N_(
    "This password is too common or too easy to guess. Choose another one: a few unrelated "
    "words together are easy to remember and hard to guess."
)


def too_easy(password: str, user_inputs: Iterable[str | None] = ()) -> bool:
    """Whether ``password`` is one that attackers try first (for this account)."""
    inputs = [value for value in user_inputs if value]
    words = [part for value in inputs for part in value.replace("@", " ").replace(".", " ").split()]
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=[*inputs, *words])
    return int(result["score"]) < MIN_SCORE
