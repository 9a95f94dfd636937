"""Guards for text that people type: control characters never reach a record or an email.

A single-line field (a name, a city, a price list's name) refuses line breaks, tabs and
every other control character: a CR/LF in a name once broke an email header after the
record was saved. A multi-line field (a textarea) keeps line breaks and tabs and refuses
the rest. ``TextGuardMixin`` applies the right validator to every ``CharField`` of a form,
so a form only has to inherit it (``tests/security/test_control_chars.py`` checks that
every form of ours does).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line and paragraph separators split lines as CR/LF do (str.splitlines, mail headers).
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_MULTI_LINE_ALLOWED = frozenset({"\n", "\r", "\t"})


def _first_control_character(value: str, *, allowed: frozenset[str] = frozenset()) -> str | None:
    for char in value:
        if char not in allowed and unicodedata.category(char) in _CONTROL_CATEGORIES:
            return char
    return None


def _describe(char: str) -> str:
    names = {"\n": _("a line break"), "\r": _("a line break"), "\t": _("a tab")}
    return str(names.get(char, _("the control character U+%(code)04X") % {"code": ord(char)}))


def validate_single_line(value) -> None:
    """Refuse line breaks, tabs and other control characters in a one-line value."""
    if not isinstance(value, str):
        return
    char = _first_control_character(value)
    if char is not None:
        raise ValidationError(
            _("This field must be on one line: remove %(character)s and type it again."),
            code="control_character",
            params={"character": _describe(char)},
        )


def validate_multi_line(value) -> None:
    """Refuse control characters other than line breaks and tabs in a multi-line value."""
    if not isinstance(value, str):
        return
    char = _first_control_character(value, allowed=_MULTI_LINE_ALLOWED)
    if char is not None:
        raise ValidationError(
            _("This text contains %(character)s, which cannot be stored: remove it and try again."),
            code="control_character",
            params={"character": _describe(char)},
        )


def guard_text_fields(fields) -> None:
    """Add the single- or multi-line validator to every text field in ``fields`` (a form's)."""
    for field in fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        validator = (
            validate_multi_line
            if isinstance(field.widget, forms.Textarea)
            else validate_single_line
        )
        if validator not in field.validators:
            field.validators.append(validator)


class TextGuardMixin:
    """Form mixin (list it first): every text field refuses control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self.fields)
