"""Settings: every ``PLANNER_*`` environment variable, read and checked here, and the limits.

Each variable is read when it is needed (tests and scripts may change the
environment between calls) and checked on every read; a bad value is an
:class:`~planner.errors.InputError` that names the variable and says what
it should hold. :func:`check_environment` checks them all at once (the
command line does so before it starts).

=====================  =====================================================
``PLANNER_DATA``       folder with the default input files (instead of ``data/``)
``PLANNER_STORE``      the register (default ``./planner.gpkg``)
``PLANNER_ADDRESSES``  local address table (CSV) for address lookups
``PLANNER_PDOK_URL``   another PDOK Locatieserver (e.g. a test server)
``PLANNER_NOW``        fixed time of changes, ``YYYY-MM-DDTHH:MM:SSZ`` (reproducible runs)
``PLANNER_BUSY_TIMEOUT``  seconds to wait for a busy register (default 10)
``PLANNER_DEBUG``      ``1``: show the traceback of an internal error
=====================  =====================================================
"""

from __future__ import annotations

import math
import os
import re
import urllib.parse
from datetime import date, datetime, timezone
from pathlib import Path

from planner.errors import InputError, shorten

# Limits on what comes from outside (names and free text are refused above them).
MAX_ID_LENGTH = 40        # group, request and sign ids (they become file names)
MAX_NAME_LENGTH = 200     # names: groups, admins, officers, wards, streets, roads
MAX_TEXT_LENGTH = 2000    # free text: reasons, preferred positions, addresses
BUSY_TIMEOUT_S = 10.0     # default seconds a command waits for a busy register
MAX_BUSY_TIMEOUT_S = 3600.0

VARIABLES = ("PLANNER_DATA", "PLANNER_STORE", "PLANNER_ADDRESSES", "PLANNER_PDOK_URL", "PLANNER_NOW",
             "PLANNER_BUSY_TIMEOUT", "PLANNER_DEBUG")
_TRUE = {"1", "true", "yes", "ja", "on", "y", "j"}
_FALSE = {"0", "false", "no", "nee", "off", "n", ""}


def _get(name: str) -> str | None:
    """The variable's value stripped, or None when unset or empty."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    if "\x00" in value or len(value) > 4096:
        raise InputError(f"{name}: onbruikbare waarde {shorten(value)}; pas de variabele aan of haal hem weg")
    return value.strip()


def data_dir() -> Path | None:
    """``$PLANNER_DATA``: an existing folder, or None when unset."""
    value = _get("PLANNER_DATA")
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        what = "is geen map" if path.exists() else "bestaat niet"
        raise InputError(f"PLANNER_DATA: {path} {what}; zet PLANNER_DATA op de map met de invoerbestanden "
                         "of haal de variabele weg")
    return path


def store_setting() -> str | None:
    """``$PLANNER_STORE`` as given: a register file or a ``postgresql://`` URL, or None when unset."""
    return _get("PLANNER_STORE")


def store_path() -> Path | None:
    """``$PLANNER_STORE``: the register's path (need not exist yet), or None when unset."""
    value = _get("PLANNER_STORE")
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise InputError(f"PLANNER_STORE: {path} is een map; geef het register-bestand, bijv. {path / 'planner.gpkg'}")
    return path


def addresses_path() -> Path | None:
    """``$PLANNER_ADDRESSES``: the local address table, or None when unset."""
    value = _get("PLANNER_ADDRESSES")
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        what = "is een map" if path.is_dir() else "bestaat niet"
        raise InputError(f"PLANNER_ADDRESSES: {path} {what}; geef een adrestabel (CSV) of haal de variabele weg")
    return path


def pdok_url() -> str | None:
    """``$PLANNER_PDOK_URL``: an http(s) URL, or None when unset."""
    value = _get("PLANNER_PDOK_URL")
    if value is None:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise InputError(f"PLANNER_PDOK_URL: {shorten(value)} is geen http(s)-adres; "
                         "bijv. https://api.pdok.nl/bzk/locatieserver/search/v3_1/free")
    return value


_NOW = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?)?")


def fixed_now() -> str | None:
    """``$PLANNER_NOW`` as ``YYYY-MM-DDTHH:MM:SSZ`` (a date alone is midnight), or None when unset."""
    value = _get("PLANNER_NOW")
    if value is None:
        return None
    m = _NOW.fullmatch(value)
    try:
        if not m:
            raise ValueError(value)
        y, mo, d, h, mi, s = (int(v or 0) for v in m.groups())
        stamp = datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise InputError(f"PLANNER_NOW: ongeldig tijdstip {shorten(value)}; gebruik JJJJ-MM-DDTUU:MM:SSZ, "
                         "bijv. 2026-10-01T12:00:00Z") from None
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> str:
    """UTC timestamp of a change (``$PLANNER_NOW`` fixes it, for reproducible runs)."""
    return fixed_now() or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> str:
    """Today as ``YYYY-MM-DD`` (the date part of ``$PLANNER_NOW`` when set)."""
    fixed = fixed_now()
    return fixed[:10] if fixed else date.today().isoformat()


def busy_timeout() -> float:
    """``$PLANNER_BUSY_TIMEOUT`` in seconds (default 10): a number from 0 to 3600."""
    value = _get("PLANNER_BUSY_TIMEOUT")
    if value is None:
        return BUSY_TIMEOUT_S
    try:
        seconds = float(value.replace(",", "."))
    except ValueError:
        seconds = math.nan
    if not (0 <= seconds <= MAX_BUSY_TIMEOUT_S):
        raise InputError(f"PLANNER_BUSY_TIMEOUT: {shorten(value)} is geen geldig aantal seconden; "
                         f"geef een getal van 0 tot {MAX_BUSY_TIMEOUT_S:.0f}, bijv. 10")
    return seconds


def debug() -> bool:
    """``$PLANNER_DEBUG``: show tracebacks of internal errors (``1``/``0``, ``ja``/``nee``, ...)."""
    value = (os.environ.get("PLANNER_DEBUG") or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"PLANNER_DEBUG: onbekende waarde {shorten(value)}; gebruik 1 (aan) of 0 (uit)")


def check_environment() -> None:
    """Check every ``PLANNER_*`` variable that is set; the first bad one is an InputError."""
    for check in (debug, data_dir, store_path, addresses_path, pdok_url, fixed_now, busy_timeout):
        check()
