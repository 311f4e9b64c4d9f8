"""Validation failures are described in our words, whatever kind the library reports."""

from __future__ import annotations

from app.core.validation import LIBRARY_ERRORS, describe, validation_items


def test_no_kind_of_library_error_shows_the_librarys_text() -> None:
    for kind in sorted(LIBRARY_ERRORS - {"json_invalid"}):
        error = {"type": kind, "loc": ("body", 3, "emailAddress"), "msg": "Input should be x"}
        item = describe(error | {"ctx": {"min_length": 2, "max_length": 5, "ge": 1, "le": 9}})
        assert item.message.startswith("emailAddress"), kind
        assert "Input should" not in item.message, kind
        assert (item.property_name, item.list_index) == ("emailAddress", 3), kind


def test_our_own_error_kinds_keep_our_text_and_each_problem_is_listed_once() -> None:
    own = {"type": "not_a_colour", "loc": ("body", "color"), "msg": "must be a colour like #AABBCC"}
    assert describe(own).message == "color must be a colour like #AABBCC"
    assert len(validation_items([own, own])) == 1
