"""Load wards, signs, roads, groups and requests; validate; project to RD New.

Every loader returns a new (Geo)DataFrame: spatial layers in EPSG:28992
(Amersfoort / RD New, metres). Files may be GeoJSON, GeoPackage, Shapefile or
CSV (with RD ``x,y`` or ``lon,lat`` columns; comma, semicolon or tab
separated, UTF-8 or Windows-1252, as spreadsheets export them). GeoJSON
without a ``crs`` member is WGS84 (RFC 7946). A file with several layers
takes the layer named after what is loaded (``wijken``, ``borden``, ...) or
``FILE.gpkg:layer``. Problems with the input raise
:class:`planner.errors.InputError` with a message that names the file.

Coordinate parsing, validation and projection live in :mod:`planner.core.coords`;
its names are re-exported here.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from planner.core.coords import (
    RD_NEW,
    WGS84,
    parse_date,
    parse_wishes,
    points_from_table,
    to_rd,
)
from planner.core.text import check_column, check_ids
from planner.errors import InputError
from planner.settings import MAX_TEXT_LENGTH

log = logging.getLogger("planner")

SIGN_STATUSES = ("placed", "planned")
VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".zip"}


# ----------------------------------------------------------------- reading


def check_input_file(path) -> Path:
    """``path`` as a Path when it exists and is a readable file, else an :class:`InputError` naming it."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: bestand bestaat niet")
    if path.is_dir():
        raise InputError(f"{path}: is een map, geen bestand")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: bestand is leeg")
    return path


# A NUL in a JSON string (``\u0000``, not preceded by an escaping backslash): GDAL cuts the text there
# without a word, so such a file is refused instead (a raw NUL byte is no JSON: GDAL refuses it).
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def _refuse_nul(path: Path, source: str) -> None:
    """InputError when a GeoJSON file holds a NUL character anywhere (read as bytes, without a copy)."""
    import mmap

    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = _NUL.search(data)
    except (ValueError, OSError):  # an empty file: read_dataframe reports it
        return
    if found:
        raise InputError(f"{source}: bevat een NUL-teken (\\u0000) in een naam of waarde (byte {found.start()}); "
                         "GDAL zou de tekst daar afkappen; verwijder het teken uit het bestand")


def read_table(path) -> pd.DataFrame:
    """Read a CSV file as strings, with a clear error when it cannot be read.

    The separator (``,``, ``;`` or tab) is detected from the header line, so
    a Dutch spreadsheet export (``;`` with decimal commas) reads as well; the
    encoding is UTF-8 (with or without BOM), UTF-16 with BOM, or else
    Windows-1252. Column names are stripped and lower-cased. Every row must
    have as many fields as the header (a ragged row is named, not shifted);
    blank lines are skipped.
    """
    path = check_input_file(path)
    text = _decode(path.read_bytes(), path)
    header = text.lstrip().split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=header.count)  # ties (none of them): ","
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: geen leesbaar CSV-bestand ({exc})") from exc
    numbered = [(i + 1, row) for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not numbered:
        raise InputError(f"{path}: bestand is leeg")
    columns = [c.strip().lower() for c in numbered[0][1]]
    width = len(columns)
    for line, row in numbered[1:]:
        if len(row) != width and not (len(row) > width and not any(c.strip() for c in row[width:])):
            raise InputError(f"{path}: rij {line} heeft {len(row)} velden, de kopregel {width}; "
                             f"controleer het scheidingsteken '{sep}' en de aanhalingstekens in die rij")
    named = [c for c in columns if c]
    if len(set(named)) != len(named):
        dup = next(c for c in named if named.count(c) > 1)
        raise InputError(f"{path}: kolom '{dup}' staat twee keer in de kopregel")
    data = [row[:width] for _, row in numbered[1:]]
    if not data:
        raise InputError(f"{path}: bevat geen rijen")
    df = pd.DataFrame(data, columns=columns, dtype=object).apply(lambda col: col.str.strip())
    unnamed = [i for i, c in enumerate(columns) if not c]
    for i in unnamed:
        if (df.iloc[:, i] != "").any():
            raise InputError(f"{path}: kolom {i + 1} heeft geen naam in de kopregel maar wel waarden")
    if unnamed:
        df = df.iloc[:, [i for i in range(width) if i not in unnamed]]
    return df.astype(str)


def _decode(data: bytes, path: Path) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    if encodings != ("utf-16",) and 0 < data.count(b"\x00") * 8 < len(data):  # a few NULs, not UTF-16 text
        where = data.index(b"\x00")
        raise InputError(f"{path}: bevat een NUL-teken (byte {where}); de planner kapt een naam "
                         "daar niet af maar weigert het bestand: verwijder het teken")
    raise InputError(f"{path}: geen leesbaar CSV-bestand (onbekende tekenset; sla op als UTF-8)")


def first_line(exc: BaseException) -> str:
    """The first line of a library's error message (GDAL, pyogrio), without advice meant for developers."""
    text = str(exc).strip().splitlines()
    # GDAL appends advice about driver prefixes that does not help a planner user.
    return text[0].split("; It might help")[0] if text else type(exc).__name__


LAYER_HINTS = {
    "wards": ("wards", "wijken", "buurten", "wijk", "buurt"),
    "signs": ("signs", "borden", "bord"),
    "roads": ("roads", "wegen", "wegvakken", "weg"),
    "requests": ("requests", "aanvragen", "aanvraag"),
}


def split_layer(path) -> tuple[Path, str | None]:
    """``"file.gpkg:layer"`` -> (file, layer); a path that exists as given has no layer."""
    text = str(path)
    head, sep, tail = text.rpartition(":")
    if sep and head and tail and "/" not in tail and "\\" not in tail and not Path(text).exists() \
            and Path(head).suffix.lower() in VECTOR_SUFFIXES:
        return Path(head), tail
    return Path(text), None


def _choose_layer(path: Path, source: str, kind: str | None, layer: str | None) -> str | None:
    """The layer to read: the one given (checked), else the only spatial one,
    else the only one named after ``kind``; several candidates are an error."""
    try:
        layers = pyogrio.list_layers(path)
    except Exception:  # unreadable: read_dataframe reports it
        return layer
    names = [str(n) for n in layers[:, 0]]
    if layer is not None:
        if layer not in names:
            raise InputError(f"{source}: laag {layer!r} bestaat niet; lagen: {', '.join(names)}")
        return layer
    if len(layers) <= 1:
        return None
    spatial = [str(n) for n, g in layers if g is not None]
    if len(spatial) == 1:
        return spatial[0]
    hinted = [n for n in spatial if n.lower() in LAYER_HINTS.get(kind, ())]
    if len(hinted) == 1:
        return hinted[0]
    raise InputError(
        f"{source}: bevat meerdere lagen ({', '.join(names)}); kies er één met {path}:LAAG"
    )


def read_vector(path, *, layer=None, source=None, kind=None, bbox=None, fids=None) -> gpd.GeoDataFrame:
    """Read any vector layer (or a CSV of points) into RD New, validated.

    ``bbox`` (``x0, y0, x1, y1`` in RD New) reads only the features that
    touch that box, filtered by GDAL while reading (with the spatial index of
    a GeoPackage); ``fids`` reads only those features. An empty result is
    then no error.

    ``path`` may name a layer as ``FILE.gpkg:layer``. Without a layer, a file
    with several layers gives its only spatial layer, or the only one named
    after ``kind`` (``"wards"``: ``wijken``/``wards``/...; see
    ``LAYER_HINTS``), or an error listing the layers.

    Raises InputError for a missing/empty/unreadable file, a layer without
    geometry, swapped or RD coordinates in a WGS84 file, or data outside
    the Netherlands.
    """
    path, named = split_layer(path)
    layer = layer or named
    path = check_input_file(path)
    source = source or (f"{path}:{layer}" if layer else str(path))
    if path.suffix.lower() in {".csv", ".txt"}:
        return points_from_table(read_table(path), source)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise InputError(
            f"{source}: onbekend bestandstype '{path.suffix}'; gebruik GeoJSON, GeoPackage, Shapefile of CSV"
        )
    if path.suffix.lower() in {".geojson", ".json"}:
        _refuse_nul(path, source)
    layer = _choose_layer(path, source, kind, layer)
    options = {}
    if bbox is not None:
        _check_extent(path, layer, source)  # the file as a whole: swapped or RD numbers are refused
        options["bbox"] = _bbox_in_layer_crs(path, layer, bbox)
    if fids is not None:
        options["fids"] = list(fids)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, **options)
    except pyogrio.errors.DataSourceError as exc:
        raise InputError(f"{source}: geen leesbaar GIS-bestand ({first_line(exc)})") from exc
    except pyogrio.errors.DataLayerError as exc:
        raise InputError(f"{source}: laag niet leesbaar ({first_line(exc)})") from exc
    except Exception as exc:  # GDAL can raise plain errors on corrupt files
        raise InputError(f"{source}: geen leesbaar GIS-bestand ({first_line(exc)})") from exc
    if len(gdf) == 0 and options:  # nothing in the box: an empty layer with the file's columns
        cols = [c.strip().lower() for c in gdf.columns if c != "geometry"]
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                                geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)
    if len(gdf) == 0:
        raise InputError(f"{source}: laag bevat geen objecten")
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf or gdf.geometry.isna().all():
        raise InputError(f"{source}: laag heeft geen geometrie")
    gdf.columns = [c if c == gdf.geometry.name else c.strip().lower() for c in gdf.columns]
    gdf = gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty].copy()
    return to_rd(gdf, source)


def _layer_crs(path, layer, info=None):
    info = info or pyogrio.read_info(path, layer=layer)
    return info.get("crs") or (WGS84 if str(path).lower().endswith((".geojson", ".json")) else None)


def _check_extent(path, layer, source) -> None:
    """Validate a layer's coordinates by its extent alone (no features read), as :func:`to_rd` does."""
    try:
        info = pyogrio.read_info(path, layer=layer, force_total_bounds=True)
    except Exception as exc:
        raise InputError(f"{source}: geen leesbaar GIS-bestand ({first_line(exc)})") from exc
    bounds = info.get("total_bounds")
    if bounds is None or not np.all(np.isfinite(bounds)):
        return
    corners = gpd.GeoDataFrame(geometry=shapely.points([bounds[0], bounds[2]], [bounds[1], bounds[3]]),
                               crs=_layer_crs(path, layer, info))
    to_rd(corners, source)


def _bbox_in_layer_crs(path, layer, bbox) -> tuple[float, float, float, float]:
    """An RD New box in the CRS of the layer (WGS84 for GeoJSON without one), a little larger."""
    from pyproj import CRS, Transformer
    crs = _layer_crs(path, layer) or RD_NEW
    x0, y0, x1, y1 = bbox
    if CRS.from_user_input(crs) == CRS.from_user_input(RD_NEW):
        return (x0, y0, x1, y1)
    t = Transformer.from_crs(RD_NEW, crs, always_xy=True)
    a, b, c, d = t.transform_bounds(x0 - 1, y0 - 1, x1 + 1, y1 + 1, densify_pts=21)
    return (a, b, c, d)


def ward_by_code(path, code: str, *, layer=None) -> gpd.GeoDataFrame:
    """One ward from a wards file, read alone: its attributes are scanned without
    geometry, then only its feature is read (a national file need not be read whole).

    Returns what :func:`load_wards` would give for that ward (``lm01`` finds
    ``LM01`` when that is the only match); an unknown code is an InputError
    naming codes that exist.
    """
    path, named = split_layer(path)
    layer = layer or named
    checked = check_input_file(path)
    wanted = str(code).strip()
    fids = None
    if checked.suffix.lower() in VECTOR_SUFFIXES:
        layer = _choose_layer(checked, str(checked), "wards", layer)
        try:
            attrs = pyogrio.read_dataframe(checked, layer=layer, read_geometry=False, fid_as_index=True)
        except Exception as exc:
            raise InputError(f"{checked}: geen leesbaar GIS-bestand ({first_line(exc)})") from exc
        attrs.columns = [c.strip().lower() for c in attrs.columns]
        column = next((c for c in ("code", "buurtcode", "wijkcode", "bu_code", "wk_code") if c in attrs), None)
        if column is not None:
            codes = attrs[column].astype(str).str.strip()
            fids = attrs.index[codes == wanted]
            if len(fids) == 0:
                fids = attrs.index[codes.str.casefold() == wanted.casefold()]
    if fids is not None and len(fids) == 1:
        return load_wards(checked, layer=layer, fids=[int(fids[0])])
    wards = load_wards(checked, layer=layer)  # a CSV, no code column, or not found: read it all
    hit = wards[wards["code"] == wanted]
    if hit.empty:
        folded = wards[wards["code"].str.casefold() == wanted.casefold()]
        hit = folded if len(folded) == 1 else hit
    if hit.empty:
        known = sorted(wards["code"])
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        raise InputError(f"wijk {wanted[:60]!r} bestaat niet in de wijkenlaag {checked} (wel: {listed})")
    return hit


# ----------------------------------------------------------------- layers


def _require_columns(df, names, source, what):
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise InputError(f"{source}: {what} mist kolom(men) {', '.join(missing)}")


def require_unique(series: pd.Series, source: str, what: str) -> None:
    """Refuse duplicate values in ``series`` (an id column of ``source``) with an error naming them."""
    dup = series[series.duplicated()]
    if not dup.empty:
        raise InputError(f"{source}: dubbele {what} {dup.iloc[0]!r}")


def load_wards(path, *, layer=None, bbox=None, fids=None) -> gpd.GeoDataFrame:
    """Load ward polygons with columns ``code`` and ``name`` (RD New).

    Invalid polygons are repaired with ``shapely.make_valid`` (keeping only
    the polygonal part) and reported in the log and in
    ``result.attrs["repaired"]`` (list of ward codes).
    """
    source = str(path)
    gdf = read_vector(path, layer=layer, kind="wards", bbox=bbox, fids=fids)
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
    if (gdf["code"] == "").any():
        raise InputError(f"{source}: object {int((gdf['code'] == '').to_numpy().nonzero()[0][0]) + 1} "
                         "heeft geen wijkcode")
    _check_names(gdf, ("code", "name"), source)
    require_unique(gdf["code"], source, "wijkcode")
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


def load_signs(path, *, layer=None, bbox=None) -> gpd.GeoDataFrame:
    """Load sign points with ``id``, ``status`` (placed/planned) and ``placed_on``."""
    source = str(path)
    gdf = read_vector(path, layer=layer, kind="signs", bbox=bbox)
    _require_columns(gdf, ["id", "status"], source, "bordenlaag")
    if not set(gdf.geom_type.unique()) <= {"Point"}:
        raise InputError(f"{source}: borden moeten punten zijn")
    gdf["id"] = gdf["id"].astype(str).str.strip()
    _check_names(gdf, ("id",), source)
    require_unique(gdf["id"], source, "bord-id")
    gdf["status"] = gdf["status"].astype(str).str.strip().str.lower()
    bad = gdf.loc[~gdf["status"].isin(SIGN_STATUSES), "status"]
    if not bad.empty:
        raise InputError(
            f"{source}: onbekende status {bad.iloc[0]!r}; toegestaan: {', '.join(SIGN_STATUSES)}"
        )
    if "placed_on" not in gdf.columns:
        gdf["placed_on"] = ""
    gdf["placed_on"] = _dates(gdf["placed_on"], source, "placed_on", gdf["id"], "bord")
    if "street" not in gdf.columns:
        gdf["street"] = ""
    gdf["street"] = gdf["street"].fillna("").astype(str)
    _check_names(gdf, ("street",), source)
    return gdf.reset_index(drop=True)


def load_roads(path, *, layer=None, name_column=None, class_column=None, bbox=None) -> gpd.GeoDataFrame:
    """Load road lines with ``name`` and ``highway`` (OSM-style class) columns.

    ``name_column``/``class_column`` map other schemas (e.g. NWB's
    ``stt_naam``) onto these names.
    """
    source = str(path)
    gdf = read_vector(path, layer=layer, kind="roads", bbox=bbox)
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
    _check_names(gdf, ("name", "highway"), source)
    return gdf.reset_index(drop=True)


def _truthy(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(["1", "true", "ja", "yes", "j", "y", "waar"])


def load_groups(path) -> pd.DataFrame:
    """Load groups with their admins: one row per admin (personal data!).

    Columns: ``group_id``, ``group_name``, ``wabp_registered`` (ja/nee),
    ``admin_name``, ``admin_phone``, ``admin_email``, optional
    ``admin_wijkagent`` (ja/nee: the admin wants to be introduced to the
    wijkagent; default nee). A group has 1-3 admins.
    """
    source = str(path)
    df = read_table(path)
    _require_columns(df, ["group_id", "group_name", "admin_name"], source, "groepenbestand")
    for col in ("wabp_registered", "admin_phone", "admin_email"):
        if col not in df.columns:
            df[col] = ""
    df["wabp_registered"] = _truthy(df["wabp_registered"])
    df["admin_wijkagent"] = _truthy(df["admin_wijkagent"]) if "admin_wijkagent" in df.columns else False
    if (df["group_id"] == "").any():
        raise InputError(f"{source}: rij {int((df['group_id'] == '').to_numpy().nonzero()[0][0]) + 2} "
                         "heeft geen group_id")
    check_ids(df["group_id"], source, "group_id", "groep-id")
    for col in ("group_name", "admin_name", "admin_phone", "admin_email"):
        check_column(df[col], source, col)
    counts = df.groupby("group_id").size()
    if (counts > 3).any():
        raise InputError(f"{source}: groep {counts[counts > 3].index[0]} heeft meer dan 3 beheerders")
    dup = df[df.duplicated(["group_id", "admin_name"])]
    if not dup.empty:
        raise InputError(f"{source}: groep {dup['group_id'].iloc[0]}: beheerder {dup['admin_name'].iloc[0]!r} "
                         "staat er twee keer in")
    return df.reset_index(drop=True)


def load_requests(path, *, locate=None) -> gpd.GeoDataFrame:
    """Load requests: ``request_id``, ``date``, ``group_id``, location.

    ``date`` becomes ``YYYY-MM-DD`` (Dutch ``DD-MM-YYYY`` and the other forms
    of :func:`planner.coords.parse_date` are read too; a time is dropped).

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
        gdf = read_vector(path, kind="requests")
    _require_columns(gdf, ["request_id", "date", "group_id"], source, "aanvragenbestand")
    gdf["request_id"] = gdf["request_id"].astype(str).str.strip()
    is_csv = Path(path).suffix.lower() in {".csv", ".txt"}
    check_ids(gdf["request_id"], source, "request_id", "aanvraag-id", csv=is_csv)
    check_ids(gdf["group_id"].astype(str), source, "group_id", "groep-id", csv=is_csv)
    require_unique(gdf["request_id"], source, "aanvraag-id")
    gdf["date"] = _dates(gdf["date"], source, "date", gdf["request_id"], "aanvraag", required=True)
    if "preferred" not in gdf.columns:
        gdf["preferred"] = ""
    gdf["preferred"] = gdf["preferred"].fillna("").astype(str)
    check_column(gdf["preferred"], source, "preferred", limit=MAX_TEXT_LENGTH, csv=is_csv)
    for rid, text in zip(gdf["request_id"], gdf["preferred"]):
        if text.strip():
            parse_wishes(text, f"{source}: aanvraag {rid}: kolom 'preferred'")
    return gdf.reset_index(drop=True)


def _dates(values: pd.Series, source: str, column: str, ids: pd.Series, what: str, *,
           required: bool = False) -> list[str]:
    """A column of dates as ``YYYY-MM-DD`` (see :func:`planner.coords.parse_date`); empty stays empty
    unless ``required``. The error names the row's id and the column."""
    out = []
    for rid, value in zip(ids, values.fillna("").astype(str)):
        if not value.strip() and not required:
            out.append("")
            continue
        out.append(parse_date(value, f"{source}: {what} {rid}: kolom '{column}'"))
    return out


def _check_names(gdf, columns, source) -> None:
    """Names in a GIS layer or table: one line, at most ``MAX_NAME_LENGTH`` characters."""
    is_csv = Path(str(source)).suffix.lower() in {".csv", ".txt"}
    for col in columns:
        check_column(gdf[col], source, col, csv=is_csv)
