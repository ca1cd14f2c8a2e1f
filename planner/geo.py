"""Load wards, signs, roads, groups and requests; validate; project to RD New.

Every loader returns a new (Geo)DataFrame: spatial layers in EPSG:28992
(Amersfoort / RD New, metres). Files may be GeoJSON, GeoPackage, Shapefile or
CSV (with RD ``x,y`` or ``lon,lat`` columns). GeoJSON without a ``crs`` member
is WGS84 (RFC 7946). Problems with the input raise
:class:`planner.errors.InputError` with a message that names the file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from .errors import InputError

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
log = logging.getLogger("planner")

# The Netherlands in RD New (EPSG:28992 area of use, a little generous).
NL_RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
# The Netherlands in WGS84 (lon, lat), land and territorial sea.
NL_LONLAT_BOUNDS = (3.2, 50.7, 7.3, 53.7)

SIGN_STATUSES = ("placed", "planned")
VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".zip"}
LON_NAMES = ("lon", "lng", "longitude")
LAT_NAMES = ("lat", "latitude")
X_NAMES = ("x", "rd_x")
Y_NAMES = ("y", "rd_y")


# ----------------------------------------------------------------- reading


def _check_file(path) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: bestand bestaat niet")
    if path.is_dir():
        raise InputError(f"{path}: is een map, geen bestand")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: bestand is leeg")
    return path


def read_table(path) -> pd.DataFrame:
    """Read a CSV file as strings, with a clear error when it cannot be read."""
    path = _check_file(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{path}: bestand is leeg") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geen leesbaar CSV-bestand ({_first_line(exc)})") from exc
    df.columns = [c.strip().lower() for c in df.columns]
    df = df.apply(lambda col: col.str.strip())
    if df.empty:
        raise InputError(f"{path}: bevat geen rijen")
    return df


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _pick(columns, names) -> str | None:
    for name in names:
        if name in columns:
            return name
    return None


def points_from_table(df: pd.DataFrame, source="invoer") -> gpd.GeoDataFrame:
    """Turn a table with RD ``x,y`` and/or ``lon,lat`` columns into RD points.

    A row may fill either pair; each row must fill exactly one complete pair.
    Swapped lon/lat, RD numbers in lon/lat columns and points outside the
    Netherlands are errors, not guesses.
    """
    cols = set(df.columns)
    lon, lat = _pick(cols, LON_NAMES), _pick(cols, LAT_NAMES)
    x, y = _pick(cols, X_NAMES), _pick(cols, Y_NAMES)
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
    bad = values.isna() & text.notna()
    if bad.any():
        raise InputError(f"{source}: kolom '{name}' bevat geen getal: {col[bad].iloc[0]!r}")
    return values.to_numpy(dtype=float)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, source: str) -> None:
    if lon.size == 0:
        return
    if np.abs(lon).max() > 180 or np.abs(lat).max() > 90:
        raise InputError(
            f"{source}: lon/lat-waarden als {lon.max():.0f}, {lat.max():.0f} zijn geen graden; "
            "dit lijken RD-coördinaten (gebruik x,y of geef de CRS EPSG:28992)"
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
            "dit lijken graden (gebruik kolommen lon,lat)"
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


def to_rd_xy(lon, lat):
    """Project WGS84 lon/lat arrays to RD New x/y arrays."""
    pts = gpd.GeoSeries(shapely.points(np.asarray(lon, float), np.asarray(lat, float)), crs=WGS84)
    pts = pts.to_crs(RD_NEW)
    return pts.x.to_numpy(), pts.y.to_numpy()


def to_lonlat(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat arrays of the (representative) points of RD geometries."""
    pts = gpd.GeoSeries(geoms, crs=RD_NEW).to_crs(WGS84)
    return pts.x.to_numpy(), pts.y.to_numpy()


def read_vector(path, *, layer=None, source=None) -> gpd.GeoDataFrame:
    """Read any vector layer (or a CSV of points) into RD New, validated.

    Raises InputError for a missing/empty/unreadable file, a layer without
    geometry, swapped or RD coordinates in a WGS84 file, or data outside
    the Netherlands.
    """
    path = _check_file(path)
    source = source or str(path)
    if path.suffix.lower() in {".csv", ".txt"}:
        return points_from_table(read_table(path), source)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise InputError(
            f"{source}: onbekend bestandstype '{path.suffix}'; gebruik GeoJSON, GeoPackage, Shapefile of CSV"
        )
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataSourceError as exc:
        raise InputError(f"{source}: geen leesbaar GIS-bestand ({_first_line(exc)})") from exc
    except pyogrio.errors.DataLayerError as exc:
        raise InputError(f"{source}: laag niet leesbaar ({_first_line(exc)})") from exc
    except Exception as exc:  # GDAL can raise plain errors on corrupt files
        raise InputError(f"{source}: geen leesbaar GIS-bestand ({_first_line(exc)})") from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf or gdf.geometry.isna().all():
        raise InputError(f"{source}: laag heeft geen geometrie")
    if gdf.empty:
        raise InputError(f"{source}: laag bevat geen objecten")
    gdf.columns = [c if c == gdf.geometry.name else c.strip().lower() for c in gdf.columns]
    gdf = gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty].copy()
    return to_rd(gdf, source)


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


# ----------------------------------------------------------------- layers


def _require_columns(df, names, source, what):
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise InputError(f"{source}: {what} mist kolom(men) {', '.join(missing)}")


def _require_unique(series: pd.Series, source: str, what: str) -> None:
    dup = series[series.duplicated()]
    if not dup.empty:
        raise InputError(f"{source}: dubbele {what} {dup.iloc[0]!r}")


def load_wards(path, *, layer=None) -> gpd.GeoDataFrame:
    """Load ward polygons with columns ``code`` and ``name`` (RD New).

    Invalid polygons are repaired with ``shapely.make_valid`` (keeping only
    the polygonal part) and reported in the log and in
    ``result.attrs["repaired"]`` (list of ward codes).
    """
    source = str(path)
    gdf = read_vector(path, layer=layer)
    if "code" not in gdf.columns:
        for alt in ("buurtcode", "wijkcode", "bu_code", "wk_code"):
            if alt in gdf.columns:
                gdf = gdf.rename(columns={alt: "code"})
                break
    if "name" not in gdf.columns:
        for alt in ("naam", "buurtnaam", "wijknaam", "bu_naam", "wk_naam"):
            if alt in gdf.columns:
                gdf = gdf.rename(columns={alt: "name"})
                break
    _require_columns(gdf, ["code", "name"], source, "wijkenlaag")
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"{source}: wijken moeten vlakken zijn, niet {', '.join(sorted(kinds))}")
    gdf["code"] = gdf["code"].astype(str).str.strip()
    gdf["name"] = gdf["name"].astype(str).str.strip()
    _require_unique(gdf["code"], source, "wijkcode")
    return repair_polygons(gdf, source).reset_index(drop=True)


def repair_polygons(gdf: gpd.GeoDataFrame, source="invoer") -> gpd.GeoDataFrame:
    """Make invalid polygons valid (vectorized) and report which were repaired."""
    gdf = gdf.copy()
    invalid = ~shapely.is_valid(gdf.geometry.values)
    repaired = []
    if invalid.any():
        fixed = shapely.make_valid(gdf.geometry.values[invalid])
        # make_valid may return collections with stray lines: keep the areas.
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        gdf.loc[invalid, gdf.geometry.name] = fixed
        repaired = gdf.loc[invalid, "code"].tolist()
        log.warning("%s: %d ongeldige geometrie(ën) gerepareerd: %s", source, len(repaired), ", ".join(repaired))
    gdf.attrs["repaired"] = repaired
    return gdf


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def load_signs(path, *, layer=None) -> gpd.GeoDataFrame:
    """Load sign points with ``id``, ``status`` (placed/planned) and ``placed_on``."""
    source = str(path)
    gdf = read_vector(path, layer=layer)
    _require_columns(gdf, ["id", "status"], source, "bordenlaag")
    if not set(gdf.geom_type.unique()) <= {"Point"}:
        raise InputError(f"{source}: borden moeten punten zijn")
    gdf["id"] = gdf["id"].astype(str).str.strip()
    _require_unique(gdf["id"], source, "bord-id")
    gdf["status"] = gdf["status"].astype(str).str.strip().str.lower()
    bad = gdf.loc[~gdf["status"].isin(SIGN_STATUSES), "status"]
    if not bad.empty:
        raise InputError(
            f"{source}: onbekende status {bad.iloc[0]!r}; toegestaan: {', '.join(SIGN_STATUSES)}"
        )
    if "placed_on" not in gdf.columns:
        gdf["placed_on"] = ""
    gdf["placed_on"] = gdf["placed_on"].fillna("").astype(str)
    if "street" not in gdf.columns:
        gdf["street"] = ""
    gdf["street"] = gdf["street"].fillna("").astype(str)
    return gdf.reset_index(drop=True)


def load_roads(path, *, layer=None, name_column=None, class_column=None) -> gpd.GeoDataFrame:
    """Load road lines with ``name`` and ``highway`` (OSM-style class) columns.

    ``name_column``/``class_column`` map other schemas (e.g. NWB's
    ``stt_naam``) onto these names.
    """
    source = str(path)
    gdf = read_vector(path, layer=layer)
    rename = {}
    if name_column:
        rename[name_column.lower()] = "name"
    if class_column:
        rename[class_column.lower()] = "highway"
    gdf = gdf.rename(columns=rename)
    _require_columns(gdf, ["highway"], source, "wegenlaag")
    if "name" not in gdf.columns:
        gdf["name"] = ""
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"LineString", "MultiLineString"}:
        raise InputError(f"{source}: wegen moeten lijnen zijn, niet {', '.join(sorted(kinds))}")
    gdf["name"] = gdf["name"].fillna("").astype(str)
    gdf["highway"] = gdf["highway"].fillna("").astype(str).str.lower()
    return gdf.reset_index(drop=True)


def _truthy(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(["1", "true", "ja", "yes", "j", "y", "waar"])


def load_groups(path) -> pd.DataFrame:
    """Load groups with their admins: one row per admin (personal data!).

    Columns: ``group_id``, ``group_name``, ``wabp_registered`` (ja/nee),
    ``admin_name``, ``admin_phone``, ``admin_email``. A group has 1-3 admins.
    """
    source = str(path)
    df = read_table(path)
    _require_columns(df, ["group_id", "group_name", "admin_name"], source, "groepenbestand")
    for col in ("wabp_registered", "admin_phone", "admin_email"):
        if col not in df.columns:
            df[col] = ""
    df["wabp_registered"] = _truthy(df["wabp_registered"])
    counts = df.groupby("group_id").size()
    if (counts > 3).any():
        raise InputError(f"{source}: groep {counts[counts > 3].index[0]!r} heeft meer dan 3 beheerders")
    if (df["group_id"] == "").any():
        raise InputError(f"{source}: rij zonder group_id")
    _require_unique(df["group_id"] + "\x00" + df["admin_name"], source, "beheerder")
    return df.reset_index(drop=True)


def groups_summary(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per group (no personal data): id, name, registered, admin count."""
    return (
        groups.groupby("group_id", sort=True)
        .agg(group_name=("group_name", "first"), wabp_registered=("wabp_registered", "max"),
             admins=("admin_name", "size"))
        .reset_index()
    )


def load_requests(path, *, locate=None) -> gpd.GeoDataFrame:
    """Load requests: ``request_id``, ``date`` (YYYY-MM-DD), ``group_id``, location.

    The location is RD ``x,y`` or ``lon,lat``. An optional ``preferred``
    column holds the admin's preferred positions as ``lon lat; lon lat``.
    ``locate(table, source)``, when given, may fill in coordinates of a CSV
    table first (e.g. :func:`planner.geocode.locate_requests` for an
    ``address`` column); this module itself never uses the network.
    """
    source = str(path)
    if Path(path).suffix.lower() in {".csv", ".txt"}:
        table = read_table(path)
        if locate is not None:
            table = locate(table, source)
        gdf = points_from_table(table, source)
    else:
        gdf = read_vector(path)
    _require_columns(gdf, ["request_id", "date", "group_id"], source, "aanvragenbestand")
    gdf["request_id"] = gdf["request_id"].astype(str).str.strip()
    _require_unique(gdf["request_id"], source, "aanvraag-id")
    dates = pd.to_datetime(gdf["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise InputError(f"{source}: ongeldige datum {gdf.loc[dates.isna(), 'date'].iloc[0]!r}; gebruik JJJJ-MM-DD")
    gdf["date"] = dates.dt.strftime("%Y-%m-%d")
    if "preferred" not in gdf.columns:
        gdf["preferred"] = ""
    gdf["preferred"] = gdf["preferred"].fillna("").astype(str)
    return gdf.reset_index(drop=True)


def parse_lonlat(text: str, what="--at") -> tuple[float, float]:
    """Parse ``"LON,LAT"`` into floats, with a clear error."""
    try:
        a, b = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError as exc:
        raise InputError(f"{what}: verwacht twee getallen 'A,B', kreeg {text!r}") from exc
    return a, b


def point_rd(lon=None, lat=None, *, x=None, y=None, source="punt") -> shapely.Point:
    """One point in RD New from lon/lat or RD x/y, validated like file input."""
    row = {"lon": lon, "lat": lat} if x is None else {"x": x, "y": y}
    df = pd.DataFrame([{k: "" if v is None else str(v) for k, v in row.items()}])
    return points_from_table(df, source).geometry.iloc[0]
