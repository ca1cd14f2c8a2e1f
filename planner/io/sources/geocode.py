"""Addresses to points: PDOK Locatieserver, or a local address table offline.

Staff think in addresses ("Zuideinde 1, Landsmeer") and postcodes
("1121 AB 12"). :func:`geocode` turns such a text into candidates with RD New
and WGS84 coordinates:

1. a local address table (CSV with ``postcode``, ``huisnummer``, ``x``,
   ``y`` and optional ``toevoeging``, ``straat``, ``woonplaats``; e.g. a BAG
   extract), given as ``addresses=`` or in ``$PLANNER_ADDRESSES``: works
   offline;
2. otherwise the free endpoint of PDOK Locatieserver v3.1 (no key):
   ``https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?q=...&fq=type:adres``.
   ``$PLANNER_PDOK_URL`` (or ``base_url=``) points it elsewhere, e.g. a test
   server. An unreachable service is an :class:`~planner.errors.InputError`
   that says so.

:func:`geocode_one` picks one candidate for a decision (the best when it is
clearly best, else an error that lists the candidates);
:func:`locate_requests` fills in the coordinates of requests that carry only
an ``address`` (or ``adres``). This module is the only one in the planner
that uses the network.
"""

from __future__ import annotations

import json
import re
import socket
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner import geo, settings
from planner.core.coords import (
    LAT_NAMES,
    LON_NAMES,
    X_NAMES,
    Y_NAMES,
    pick_column,
    to_lonlat,
)
from planner.errors import InputError, shorten
from planner.settings import MAX_NAME_LENGTH

PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
TIMEOUT = 10.0
# The best candidate is taken without asking when its score is this much
# higher than the next one (Locatieserver scores are relative, not absolute).
CLEAR_MARGIN = 1.25
POSTCODE_RE = re.compile(
    r"^\s*(?P<pc>\d{4})\s*(?P<letters>[A-Za-z]{2})[\s,]*(?P<nr>\d+)\s*[-\s]?\s*(?P<add>[A-Za-z0-9]{0,4})\s*$")
POINT_RE = re.compile(r"POINT\s*\(\s*([-\d.eE]+)\s+([-\d.eE]+)\s*\)")


@dataclass
class Candidate:
    """One answer to an address query (RD New ``x,y`` and WGS84 ``lon,lat``)."""

    label: str
    x: float
    y: float
    lon: float
    lat: float
    score: float | None = None
    type: str = "adres"
    source: str = "pdok"

    def to_dict(self) -> dict:
        return asdict(self)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def parse_postcode_query(text: str) -> tuple[str, int, str] | None:
    """``"1121 AB 12"``, ``"1121AB 12"``, ``"1121ab 12-a"`` -> ``("1121AB", 12, "A")``; else None."""
    m = POSTCODE_RE.match(text or "")
    if not m:
        return None
    return f"{m['pc']}{m['letters'].upper()}", int(m["nr"]), m["add"].upper()


# ----------------------------------------------------------------- local table


class AddressTable:
    """A local address table: postcode + house number (+ addition) -> RD point.

    Columns (case-insensitive): ``postcode``, ``huisnummer`` (or
    ``house_number``), ``x``, ``y`` in RD New (or ``lon``, ``lat``), optional
    ``toevoeging`` (``huisletter``/``addition``), ``straat`` (``openbareruimte``/
    ``street``) and ``woonplaats`` (``city``) for lookups by street name.
    """

    def __init__(self, table: pd.DataFrame, source: str):
        self.source = source
        self.table = table

    @classmethod
    def from_csv(cls, path) -> "AddressTable":
        source = str(path)
        df = geo.read_table(path)
        rename = {"house_number": "huisnummer", "housenumber": "huisnummer", "nummer": "huisnummer",
                  "addition": "toevoeging", "huisletter": "toevoeging", "street": "straat",
                  "openbareruimte": "straat", "straatnaam": "straat", "city": "woonplaats",
                  "woonplaatsnaam": "woonplaats"}
        df = df.rename(columns={k: v for k, v in rename.items() if k in df.columns and v not in df.columns})
        missing = [c for c in ("postcode", "huisnummer") if c not in df.columns]
        if missing:
            raise InputError(f"{source}: adrestabel mist kolom(men) {', '.join(missing)}")
        points = geo.points_from_table(df, source)
        nr = pd.to_numeric(df["huisnummer"], errors="coerce")
        if nr.isna().any():
            raise InputError(f"{source}: huisnummer {df.loc[nr.isna(), 'huisnummer'].iloc[0]!r} is geen getal")
        out = pd.DataFrame({
            "postcode": df["postcode"].str.replace(r"\s+", "", regex=True).str.upper(),
            "huisnummer": nr.astype(int),
            "toevoeging": (df["toevoeging"] if "toevoeging" in df else pd.Series("", index=df.index))
            .fillna("").str.upper().str.strip(),
            "straat": df["straat"] if "straat" in df else "",
            "woonplaats": df["woonplaats"] if "woonplaats" in df else "",
            "x": points.geometry.x.to_numpy(),
            "y": points.geometry.y.to_numpy(),
        })
        lon, lat = to_lonlat(points.geometry)
        out["lon"], out["lat"] = lon, lat
        out["_street"] = out["straat"].map(_fold)
        out["_city"] = out["woonplaats"].map(_fold)
        return cls(out, source)

    def lookup(self, query: str) -> list[Candidate]:
        """Candidates for a postcode query, or a ``"Straat 12, Woonplaats"`` query when the table has streets."""
        t = self.table
        parsed = parse_postcode_query(query)
        if parsed:
            pc, nr, add = parsed
            rows = t[(t["postcode"] == pc) & (t["huisnummer"] == nr)]
            if add:
                rows = rows[rows["toevoeging"] == add]
            elif len(rows) > 1 and (rows["toevoeging"] == "").any():
                rows = rows[rows["toevoeging"] == ""]
        else:
            m = re.match(r"^\s*(?P<street>.*?\D)\s*(?P<nr>\d+)\s*(?P<add>[A-Za-z]{0,4})\s*(,\s*(?P<city>.+))?$",
                         query or "")
            if not m or not t["_street"].astype(bool).any():
                return []
            rows = t[(t["_street"] == _fold(m["street"])) & (t["huisnummer"] == int(m["nr"]))]
            if m["city"]:
                rows = rows[rows["_city"] == _fold(m["city"])]
            add = (m["add"] or "").upper()
            if add:
                rows = rows[rows["toevoeging"] == add]
        return [Candidate(label=_table_label(r), x=float(r.x), y=float(r.y), lon=float(r.lon),
                          lat=float(r.lat), score=None, source="adrestabel")
                for r in rows.itertuples()]


def _table_label(r) -> str:
    nr = f"{r.huisnummer}{r.toevoeging}"
    pc = f"{r.postcode[:4]} {r.postcode[4:]}"
    if r.straat:
        return f"{r.straat} {nr}, {pc} {r.woonplaats}".strip()
    return f"{pc} {nr}"


# The address table chosen for the current command (``--addresses``); see :func:`using_addresses`.
_ADDRESSES: ContextVar = ContextVar("planner_addresses", default=None)


@contextmanager
def using_addresses(path):
    """Within the block, lookups without an explicit table use ``path`` (before ``$PLANNER_ADDRESSES``).

    This is how ``planner decide --addresses FILE.csv`` reaches the requests
    loader; ``path=None`` changes nothing. The table is read only when an
    address is actually looked up.
    """
    token = _ADDRESSES.set(path) if path else None
    try:
        yield
    finally:
        if token is not None:
            _ADDRESSES.reset(token)


def address_table(path=None) -> AddressTable | None:
    """The address table from ``path``, :func:`using_addresses` or ``$PLANNER_ADDRESSES`` (else None)."""
    path = path or _ADDRESSES.get() or settings.addresses_path()
    return AddressTable.from_csv(Path(path)) if path else None


# ----------------------------------------------------------------- PDOK


def pdok_url(query: str, rows: int = 5, base_url: str | None = None) -> str:
    """The Locatieserver ``free`` request for ``query`` (addresses only)."""
    base = base_url or settings.pdok_url() or PDOK_URL
    params = urllib.parse.urlencode({"q": query, "rows": int(rows), "fq": "type:adres"})
    return f"{base}?{params}"


def parse_pdok(payload: dict) -> list[Candidate]:
    """Candidates from a Locatieserver JSON answer (``response.docs``)."""
    try:
        docs = payload["response"]["docs"]
    except (KeyError, TypeError) as exc:
        raise InputError("PDOK Locatieserver gaf een onverwacht antwoord (geen response.docs)") from exc
    out = []
    for doc in docs:
        rd = POINT_RE.search(str(doc.get("centroide_rd", "")))
        ll = POINT_RE.search(str(doc.get("centroide_ll", "")))
        if not (rd and ll):
            continue
        out.append(Candidate(label=str(doc.get("weergavenaam", "")), x=float(rd[1]), y=float(rd[2]),
                             lon=float(ll[1]), lat=float(ll[2]),
                             score=float(doc["score"]) if doc.get("score") is not None else None,
                             type=str(doc.get("type", "adres")), source="pdok"))
    return out


def search_pdok(query: str, *, rows: int = 5, base_url: str | None = None,
                timeout: float = TIMEOUT) -> list[Candidate]:
    """Ask PDOK Locatieserver for addresses matching ``query``.

    Raises
    ------
    InputError
        When the service cannot be reached, answers with an HTTP error, or
        answers something that is not Locatieserver JSON.
    """
    url = pdok_url(query, rows, base_url)
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "planner (buurtpreventie)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        raise InputError(f"PDOK Locatieserver gaf een fout (HTTP {exc.code} {exc.reason}); "
                         "probeer het later opnieuw of gebruik een lokale adrestabel (⟨addresses⟩)") from exc
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"PDOK Locatieserver is niet bereikbaar ({reason}); controleer de "
                         "internetverbinding of gebruik een lokale adrestabel (⟨addresses⟩ of "
                         "PLANNER_ADDRESSES)") from exc
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("PDOK Locatieserver gaf een onverwacht antwoord (geen JSON)") from exc
    return parse_pdok(payload)


# ----------------------------------------------------------------- lookups


def geocode(query: str, *, addresses=None, rows: int = 5, base_url: str | None = None,
            timeout: float = TIMEOUT) -> list[Candidate]:
    """Candidates for an address text, best first.

    The local table (``addresses``: path or :class:`AddressTable`, default
    ``$PLANNER_ADDRESSES``) is asked first; when it has no match, PDOK
    Locatieserver is asked.
    """
    query = (query or "").strip()
    if not query:
        raise InputError("leeg adres; geef bijv. \"Zuideinde 1, Landsmeer\" of \"1121 AB 12\"")
    if len(query) > MAX_NAME_LENGTH or any(c in query for c in "\r\n\x00"):
        raise InputError(f"adres {shorten(query)}: te lang of meer dan één regel (hoogstens "
                         f"{MAX_NAME_LENGTH} tekens); geef straat en huisnummer of postcode en huisnummer")
    table = addresses if isinstance(addresses, AddressTable) else address_table(addresses)
    if table is not None:
        found = table.lookup(query)
        if found:
            return found
    try:
        return search_pdok(query, rows=rows, base_url=base_url, timeout=timeout)
    except InputError as exc:
        if table is not None and "niet bereikbaar" in str(exc):
            raise InputError(f"adres '{query}' niet gevonden in adrestabel {table.source}, en {exc}") from exc
        raise


def choose(query: str, candidates: list[Candidate]) -> Candidate:
    """The one candidate to use, or an InputError that lists the candidates."""
    if not candidates:
        raise InputError(f"adres '{query}' niet gevonden")
    if len(candidates) == 1:
        return candidates[0]
    best, second = candidates[0], candidates[1]
    if _fold(best.label) == _fold(query) and _fold(second.label) != _fold(query):
        return best
    if best.score and second.score and best.score >= CLEAR_MARGIN * second.score:
        return best
    listed = "; ".join(c.label for c in candidates[:5])
    raise InputError(f"adres '{query}' is niet eenduidig ({len(candidates)} mogelijkheden: {listed}); "
                     "geef postcode en huisnummer")


def geocode_one(query: str, **kwargs) -> Candidate:
    """The single point for an address (see :func:`choose`)."""
    return choose(query, geocode(query, **kwargs))


# Column names that hold an address in a requests file (English and Dutch).
ADDRESS_COLUMNS = ("address", "adres")


def locate_requests(table: pd.DataFrame, source: str = "aanvragen", **kwargs) -> pd.DataFrame:
    """Fill RD ``x,y`` for rows of a request table that have only an address.

    Rows with coordinates keep them. Returns a new table; each distinct
    address is looked up once, and the local address table is read once.
    The hook for :func:`planner.geo.load_requests`.
    """
    col = next((c for c in ADDRESS_COLUMNS if c in table.columns), None)
    if col is None:
        return table
    cols = set(table.columns)
    pairs = [(pick_column(cols, X_NAMES), pick_column(cols, Y_NAMES)),
             (pick_column(cols, LON_NAMES), pick_column(cols, LAT_NAMES))]
    pairs = [p for p in pairs if all(p)]
    has_point = np.zeros(len(table), dtype=bool)
    for a, b in pairs:
        has_point |= ((table[a].astype(str).str.strip() != "") & (table[b].astype(str).str.strip() != "")).to_numpy()
    texts = table[col].astype(str).str.strip()
    need = ~has_point & (texts != "").to_numpy()
    if not need.any():
        return table
    x_col, y_col = pairs[0] if pairs and pairs[0][0] in X_NAMES else ("x", "y")
    table = table.copy()
    for c in (x_col, y_col):
        if c not in table.columns:
            table[c] = ""
    addresses = kwargs.pop("addresses", None)
    if not isinstance(addresses, AddressTable):
        addresses = address_table(addresses)
    found = {}
    for text in pd.unique(texts[need]):
        try:
            found[text] = geocode_one(text, addresses=addresses, **kwargs)
        except InputError as exc:
            rows = table.loc[need & (texts == text)]
            which = f"aanvraag {rows['request_id'].iloc[0]}: " if "request_id" in rows else ""
            hint = ("" if pairs else
                    "geen coördinaatkolommen ('x,y' of 'lon,lat') en het adres is niet op te zoeken; ")
            raise InputError(f"{source}: {which}{hint}{exc}") from exc
    xs = texts[need].map(lambda t: found[t].x).astype(float)
    ys = texts[need].map(lambda t: found[t].y).astype(float)
    table.loc[need, x_col] = np.round(xs, 3).astype(str)
    table.loc[need, y_col] = np.round(ys, 3).astype(str)
    return table
