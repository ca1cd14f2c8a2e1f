"""Coordinates: parse, validate and project points, tables of points and dates.

RD New (EPSG:28992, metres) is what the planner computes in; WGS84 lon/lat
is what people type. Numbers that do not fit the column or CRS they came in
(swapped lon/lat, RD metres in a degrees column, points outside the
Netherlands) are reported as :class:`planner.errors.InputError`, never
guessed. :mod:`planner.geo` builds the file loaders on top of this module
(and re-exports its names).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from planner import settings
from planner.errors import InputError, shorten

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
log = logging.getLogger("planner")

# The Netherlands in RD New (EPSG:28992 area of use, a little generous).
NL_RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
# The Netherlands in WGS84 (lon, lat), land and territorial sea.
NL_LONLAT_BOUNDS = (3.2, 50.7, 7.3, 53.7)

LON_NAMES = ("lon", "lng", "longitude")
LAT_NAMES = ("lat", "latitude")
X_NAMES = ("x", "rd_x")
Y_NAMES = ("y", "rd_y")


def pick_column(columns, names) -> str | None:
    """The first of ``names`` that is one of ``columns`` (e.g. ``x``/``X``/``rd_x``), else None."""
    for name in names:
        if name in columns:
            return name
    return None


# ----------------------------------------------------------------- tables of points


def points_from_table(df: pd.DataFrame, source="invoer") -> gpd.GeoDataFrame:
    """Turn a table with RD ``x,y`` and/or ``lon,lat`` columns into RD points.

    A row may fill either pair; each row must fill exactly one complete pair.
    Decimal commas (``4,9166``) are read as decimal points. Swapped lon/lat,
    RD numbers in lon/lat columns and points outside the Netherlands are
    errors, not guesses.
    """
    cols = set(df.columns)
    lon, lat = pick_column(cols, LON_NAMES), pick_column(cols, LAT_NAMES)
    x, y = pick_column(cols, X_NAMES), pick_column(cols, Y_NAMES)
    has_ll, has_rd = bool(lon and lat), bool(x and y)
    if not (has_ll or has_rd):
        raise InputError(
            f"{source}: geen coördinaatkolommen; verwacht 'x,y' (RD New) of 'lon,lat' (WGS84)"
        )
    n = len(df)
    rd_x = np.full(n, np.nan)
    rd_y = np.full(n, np.nan)
    filled = np.zeros(n, dtype=bool)
    if has_rd:
        xs, ys = _numbers(df[x], source, x), _numbers(df[y], source, y)
        rows = ~np.isnan(xs) & ~np.isnan(ys)
        _reject_lonlat_in_rd(xs[rows], ys[rows], source)
        rd_x[rows], rd_y[rows] = xs[rows], ys[rows]
        filled |= rows
    if has_ll:
        los, las = _numbers(df[lon], source, lon), _numbers(df[lat], source, lat)
        rows = ~np.isnan(los) & ~np.isnan(las)
        both = rows & filled
        if both.any():
            raise InputError(
                f"{source}: rij {int(np.flatnonzero(both)[0]) + 2} heeft zowel x,y als lon,lat; kies er één"
            )
        _check_lonlat(los[rows], las[rows], source)
        px, py = to_rd_xy(los[rows], las[rows])
        rd_x[rows], rd_y[rows] = px, py
        filled |= rows
    if not filled.all():
        raise InputError(
            f"{source}: rij {int(np.flatnonzero(~filled)[0]) + 2} heeft geen volledige coördinaten"
        )
    _check_in_nl(rd_x, rd_y, source)
    geometry = shapely.points(rd_x, rd_y)
    return gpd.GeoDataFrame(df.copy(), geometry=geometry, crs=RD_NEW)


def _numbers(col: pd.Series, source: str, name: str) -> np.ndarray:
    text = col.astype(str).str.replace(",", ".", regex=False).replace("", np.nan)
    values = pd.to_numeric(text, errors="coerce")
    bad = (values.isna() & text.notna()) | np.isinf(values.fillna(0.0))
    if bad.any():
        raise InputError(f"{source}: kolom '{name}' bevat geen getal: {col[bad].iloc[0]!r}")
    return values.to_numpy(dtype=float)


# ----------------------------------------------------------------- checks


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, source: str) -> None:
    if lon.size == 0:
        return
    if np.abs(lon).max() > 180 or np.abs(lat).max() > 90:
        raise InputError(
            f"{source}: lon/lat-waarden als {lon.max():.0f}, {lat.max():.0f} zijn geen graden; "
            "dit lijken RD-coördinaten (" + ("gebruik ⟨at_rd⟩ X,Y" if source.startswith(("--", "⟨")) else
                                             "gebruik x,y of geef de CRS EPSG:28992") + ")"
        )
    lo0, la0, lo1, la1 = NL_LONLAT_BOUNDS
    swapped = (lon >= la0) & (lon <= la1) & (lat >= lo0) & (lat <= lo1)
    if swapped.any():
        i = int(np.flatnonzero(swapped)[0])
        raise InputError(
            f"{source}: lon en lat lijken verwisseld (lon={lon[i]}, lat={lat[i]}); "
            "in Nederland is lon ongeveer 3-7 en lat ongeveer 50-54"
        )


def _reject_lonlat_in_rd(x: np.ndarray, y: np.ndarray, source: str) -> None:
    if x.size and np.abs(x).max() <= 180 and np.abs(y).max() <= 180:
        raise InputError(
            f"{source}: x,y-waarden als {x[0]}, {y[0]} zijn geen RD-meters; "
            "dit lijken graden (" + ("gebruik ⟨at⟩ LON,LAT" if source.startswith(("--", "⟨")) else
                                     "gebruik kolommen lon,lat") + ")"
        )


def _check_in_nl(x: np.ndarray, y: np.ndarray, source: str) -> None:
    x0, y0, x1, y1 = NL_RD_BOUNDS
    outside = ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise InputError(
            f"{source}: coördinaten buiten Nederland (RD {x[i]:.0f}, {y[i]:.0f}); "
            "controleer de kolommen en de CRS"
        )


# ----------------------------------------------------------------- projection


@lru_cache(maxsize=4)
def transformer(source: str, target: str):
    """A pyproj Transformer (``always_xy``), built once: the same one GeoPandas' ``to_crs`` uses."""
    from pyproj import Transformer
    return Transformer.from_crs(source, target, always_xy=True)


def to_rd_xy(lon, lat):
    """Project WGS84 lon/lat arrays to RD New x/y arrays."""
    x, y = transformer(WGS84, RD_NEW).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))


def xy_to_lonlat(x, y) -> tuple[np.ndarray, np.ndarray]:
    """RD New x/y arrays to WGS84 lon/lat arrays."""
    lon, lat = transformer(RD_NEW, WGS84).transform(np.asarray(x, float), np.asarray(y, float))
    return np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))


def to_lonlat(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat arrays of RD New points."""
    geoms = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    if len(geoms) == 0:
        return np.zeros(0), np.zeros(0)
    return xy_to_lonlat(shapely.get_x(geoms), shapely.get_y(geoms))


def to_rd(gdf: gpd.GeoDataFrame, source="invoer") -> gpd.GeoDataFrame:
    """Validate the coordinates against the layer's CRS and project to RD New.

    A layer without CRS whose numbers are RD-like is taken as RD New (and
    reported); one whose numbers look like degrees is an error.
    """
    x0, y0, x1, y1 = gdf.total_bounds
    crs = gdf.crs
    if crs is None:
        if abs(x0) <= 180 and abs(x1) <= 180 and abs(y0) <= 90 and abs(y1) <= 90:
            raise InputError(
                f"{source}: laag heeft geen CRS en de getallen lijken graden; geef de CRS op (bijv. een .prj-bestand)"
            )
        log.warning("%s: geen CRS opgegeven; aangenomen RD New (EPSG:28992)", source)
        gdf = gdf.set_crs(RD_NEW)
    elif CRS.from_user_input(crs).is_geographic:
        coords = shapely.get_coordinates(gdf.geometry.values)
        _check_lonlat(coords[:, 0], coords[:, 1], source)
    gdf = gdf.to_crs(RD_NEW)
    bx0, by0, bx1, by1 = gdf.total_bounds
    _check_in_nl(np.array([bx0, bx1]), np.array([by0, by1]), source)
    return gdf


# ----------------------------------------------------------------- typed values


def parse_lonlat(text: str, what="⟨at⟩") -> tuple[float, float]:
    """Parse ``"LON,LAT"`` into two finite floats, with a clear error."""
    text = "" if text is None else str(text)
    try:
        a, b = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        a = b = None
    if a is None or not (np.isfinite(a) and np.isfinite(b)):
        raise InputError(f"{what}: verwacht twee getallen 'A,B', kreeg {shorten(text)}")
    return a, b


def check_wish_lonlat(lon, lat, source="voorkeursplek") -> shapely.Point:
    """A wished position given as WGS84 ``lon lat``, validated; the point in RD New.

    Swapped values (``52.43 4.91``), RD metres where degrees belong and
    points outside the Netherlands are an :class:`InputError` naming
    ``source``, never guessed.
    """
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InputError(f"{source}: verwacht 'LON LAT' in graden, kreeg {shorten(f'{lon} {lat}')}") from None
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise InputError(f"{source}: verwacht 'LON LAT' in graden, kreeg {shorten(f'{lon} {lat}')}")
    if abs(lon) > 180 or abs(lat) > 90:
        raise InputError(f"{source}: {lon:g} {lat:g} zijn geen graden maar lijken RD-meters; "
                         "geef de plek als 'LON LAT' in WGS84, bijv. '4.9166 52.4336'")
    if 3.4 < lon < 7.2 and 50.8 < lat < 53.5:  # plainly lon, lat in the Netherlands: no table needed
        x, y = to_rd_xy([lon], [lat])
        return shapely.Point(x[0], y[0])
    return point_rd(lon, lat, source=source)


def parse_wishes(text, source="voorkeursplekken") -> list[tuple[float, float]]:
    """``"lon lat; lon lat"`` (also ``lon,lat``) as validated WGS84 pairs (see :func:`check_wish_lonlat`)."""
    text = "" if text is None else str(text).strip()
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        values = part.replace(",", " ").split()
        if len(values) != 2:
            raise InputError(f"{source}: verwacht 'LON LAT; LON LAT', kreeg {shorten(part)}")
        check_wish_lonlat(values[0], values[1], source)
        out.append((float(values[0]), float(values[1])))
    return out


def point_rd(lon=None, lat=None, *, x=None, y=None, source="punt") -> shapely.Point:
    """One point in RD New from lon/lat or RD x/y, validated like file input."""
    row = {"lon": lon, "lat": lat} if x is None else {"x": x, "y": y}
    df = pd.DataFrame([{k: "" if v is None else str(v) for k, v in row.items()}])
    return points_from_table(df, source).geometry.iloc[0]


DATE_FORMATS_NL = "JJJJ-MM-DD (ook DD-MM-JJJJ, DD/MM/JJJJ, DD.MM.JJJJ of JJJJMMDD)"
_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), "dmy"),  # Dutch order: day first
)
_TIME = re.compile(r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-](\d{2}):?(\d{2}))?")


def parse_date(text, what="datum") -> str:
    """A date as ``YYYY-MM-DD``; also reads Dutch ``DD-MM-YYYY`` (day first).

    Accepted: ``2026-09-01``, ``2026/09/01``, ``20260901``, ``1-9-2026``,
    ``01/09/2026``, ``1.9.2026``, each optionally followed by a time
    (``2026-09-01 10:30``, ``2026-09-01T10:30:00``), which is dropped.
    Anything else, or an impossible date, is an :class:`InputError`.
    """
    raw = "" if text is None else str(text).strip()
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(raw)
        t = _TIME.fullmatch(raw[m.end():]) if m else None
        if t:
            a, b, c = (int(v) for v in m.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
            hour, minute, second, zh, zm = (int(v or 0) for v in t.groups())
            if hour > 23 or minute > 59 or second > 59 or zh > 14 or zm > 59 or not 1 <= year <= 9999:
                break
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                break
    raise InputError(f"{what}: ongeldige datum {shorten(raw)}; gebruik {DATE_FORMATS_NL}")


def event_date(value, what: str = "⟨date⟩") -> str:
    """THE date of an event (a register change; a request's or sign's event): ``YYYY-MM-DD``.

    Dutch forms too (:func:`parse_date`); today (``$PLANNER_NOW`` in tests)
    when ``value`` is None; an empty value or a date in the future is an
    :class:`InputError` (events are recorded when they have happened).
    """
    today = settings.today()
    if value is None:
        return today
    if not str(value).strip():
        raise InputError(f"{what}: lege datum; geef JJJJ-MM-DD of laat {what} weg (dan vandaag)")
    date = parse_date(value, what)
    if date > today:
        raise InputError(f"datum {date} ligt in de toekomst (vandaag is {today}); "
                         "leg gebeurtenissen vast als ze gebeurd zijn")
    return date
