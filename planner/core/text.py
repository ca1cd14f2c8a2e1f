"""Names and free text from outside: checked for length and control characters.

Group, admin, ward and street names and free text (reasons, preferred
positions, addresses) come from the public and end up in tables, reports,
maps and the register. Above a sane length they are refused (a 100,000-
character name is a mistake, not a name); line breaks are refused in names.
The limits are in :mod:`planner.settings`.
"""

from __future__ import annotations

import re

import pandas as pd

from planner.errors import InputError, shorten
from planner.settings import MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH

_ID = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{MAX_ID_LENGTH - 1}}}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


def check_id(value, what: str) -> str:
    """An identifier: letters, digits, ``_.-``, at most ``MAX_ID_LENGTH`` characters (trimmed).

    Ids become parts of file names (``aanvraag-<id>.html``) and sign ids, so
    they are kept short and plain.
    """
    text = "" if value is None else str(value).strip()
    if not _ID.match(text):
        too_long = f" (hoogstens {MAX_ID_LENGTH} tekens)" if len(text) > MAX_ID_LENGTH else ""
        raise InputError(f"ongeldige {what} {shorten(text)}{too_long}; gebruik letters, cijfers, '-', '_' of '.'")
    return text


def check_ids(values: pd.Series, source: str, column: str, what: str, *, csv: bool = True) -> None:
    """Check a column of ids (see :func:`check_id`); the error names the row."""
    text = values.fillna("").astype(str).str.strip()
    bad = ~text.str.match(_ID.pattern)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        where = f"rij {i + 2}" if csv else f"object {i + 1}"
        try:
            check_id(text.iloc[i], what)
        except InputError as exc:
            raise InputError(f"{source}: {where}: kolom '{column}': {exc}") from None


def check_name(value, what: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A one-line name of at most ``limit`` characters (trimmed); InputError otherwise."""
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise InputError(f"{what} is te lang ({len(text)} tekens, hoogstens {limit}); kort de naam in")
    if _CONTROL.search(text) or _LINE_BREAK.search(text):
        raise InputError(f"{what} bevat een regeleinde of stuurteken; gebruik één regel gewone tekst")
    return text


def check_text(value, what: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """Free text of at most ``limit`` characters (trimmed; line breaks allowed); InputError otherwise."""
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise InputError(f"{what} is te lang ({len(text)} tekens, hoogstens {limit}); kort de tekst in")
    if _CONTROL.search(text):
        raise InputError(f"{what} bevat een stuurteken; gebruik gewone tekst")
    return text


def check_column(values: pd.Series, source: str, column: str, *, limit: int = MAX_NAME_LENGTH,
                 one_line: bool = True, csv: bool = True) -> None:
    """Check a column of names in a table (vectorized).

    The error names the row as a line of the CSV file (``csv``: the header is
    line 1) or as the number of the object in a GIS layer (from 1).
    """
    text = values.fillna("").astype(str)
    too_long = text.str.len() > limit
    pattern = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\n\u2028\u2029]" if one_line else r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    bad_chars = text.str.contains(pattern, regex=True)
    for mask, problem in ((too_long, f"te lang (hoogstens {limit} tekens)"),
                          (bad_chars, "bevat een regeleinde of stuurteken")):
        if mask.any():
            i = int(mask.to_numpy().nonzero()[0][0])
            where = f"rij {i + 2}" if csv else f"object {i + 1}"
            raise InputError(f"{source}: {where}: kolom '{column}' {problem}; pas het bestand aan")
