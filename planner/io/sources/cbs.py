"""Import wards from the CBS *Wijk- en Buurtkaart*.

CBS publishes the map yearly as a GeoPackage (``wijkenbuurten_2024_v1.gpkg``,
layers ``gemeenten``, ``wijken``, ``buurten``, lower-case columns) and in
older years as shapefiles with upper-case columns (``BU_CODE``, ``BU_NAAM``,
``GM_CODE``, ``GM_NAAM``, ``WATER``, ``AANT_INW``). :func:`read_cbs_wards`
reads either, keeps one municipality at one level and returns wards in the
planner's ward format (RD New): ``code``, ``name``, ``population``
(``aantal_inwoners``/``AANT_INW``, nullable integer), ``wijk_code`` and
``wijk_name`` (the CBS wijk of a buurt; a wijk's own), ``level``,
``gemeente`` (the CBS gemeente code) and ``year``.

A national file holds about 14,000 buurten. Only the attribute columns are
read to find the municipality; the geometries are then read with an SQL
``WHERE`` filter that GDAL applies while reading, in chunks so that progress
can be shown.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from planner import geo
from planner.errors import InputError

LEVELS = ("buurt", "wijk")
# Values at or below this are CBS codes for "secret" / "not available".
SENTINEL_LIMIT = -99_999_990
CHUNK = 500


@dataclass(frozen=True)
class Schema:
    """Column names of one CBS edition at one level (lower-case)."""

    code: str
    name: str
    gm_code: str
    gm_name: str
    water: str
    population: str
    wijk_code: str = ""  # the CBS wijk a buurt lies in (buurt level only)
    wijk_name: str = ""


SCHEMAS = {
    # GeoPackage editions (2021-): lower-case, long names.
    ("gpkg", "buurt"): Schema("buurtcode", "buurtnaam", "gemeentecode", "gemeentenaam", "water", "aantal_inwoners",
                              "wijkcode", "wijknaam"),
    ("gpkg", "wijk"): Schema("wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "water", "aantal_inwoners"),
    # Shapefile editions (-2020): upper-case, 10-character names.
    ("shp", "buurt"): Schema("bu_code", "bu_naam", "gm_code", "gm_naam", "water", "aant_inw", "wk_code", "wk_naam"),
    ("shp", "wijk"): Schema("wk_code", "wk_naam", "gm_code", "gm_naam", "water", "aant_inw"),
}
LAYER_WORDS = {"buurt": ("buurten", "buurt"), "wijk": ("wijken", "wijk")}


@contextmanager
def progress_bar(label: str, total: int | None = None, enabled: bool | None = None):
    """A rich progress bar on stderr; yields ``advance(n)``.

    Quiet (a no-op) when ``enabled`` is False, or when it is None and stderr
    is not a terminal, so scripts and tests see no progress output.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda n: None
        return
    console = Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def clean_population(values) -> pd.Series:
    """Numbers as a nullable integer Series; CBS sentinels (<= -99999990) become missing."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce")
    numbers = numbers.where(numbers > SENTINEL_LIMIT)
    return numbers.round().astype("Int64")


def _fold(text: str) -> str:
    """Lower-case, without accents or apostrophes, for lenient name matching."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s'’`-]+", " ", text).strip().lower()


def _layers(path: Path) -> list[str]:
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(f"{path}: geen leesbaar GIS-bestand ({geo.first_line(exc)})") from exc


def choose_layer(path: Path, level: str, year: int | None = None) -> str:
    """The layer of ``path`` that holds the wards at ``level``.

    GeoPackages name it ``buurten``/``wijken`` (PDOK downloads sometimes
    ``cbs_buurten_2021``); a shapefile has one layer, named after the file.
    """
    layers = _layers(path)
    if len(layers) == 1:
        return layers[0]
    words = LAYER_WORDS[level]
    matches = [name for name in layers
               if any(re.fullmatch(rf"(cbs_)?{w}(_\d{{4}})?(_v\d+)?", name.lower()) for w in words)]
    if year is not None and len(matches) > 1:
        matches = [m for m in matches if str(year) in m] or matches
    if not matches:
        raise InputError(
            f"{path}: geen laag met {words[0]} gevonden; lagen in het bestand: {', '.join(layers)}")
    if len(matches) > 1:
        raise InputError(f"{path}: meerdere lagen met {words[0]} ({', '.join(matches)}); kies met ⟨year⟩")
    return matches[0]


def _schema(path: Path, layer: str, level: str) -> tuple[Schema, dict[str, str]]:
    """The schema that fits the layer's columns, and lower -> actual column names."""
    fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    actual = {f.lower(): f for f in fields}
    for (_, lvl), schema in SCHEMAS.items():
        if lvl == level and all(c in actual for c in (schema.code, schema.name, schema.gm_code)):
            return schema, actual
    other = "wijk" if level == "buurt" else "buurt"
    if any(s.code in actual for (_, lvl), s in SCHEMAS.items() if lvl == other):
        raise InputError(f"{path}: laag '{layer}' bevat {other}en, geen {level}en; kies ⟨level⟩ {other}"
                         " of een ander bestand/laag")
    raise InputError(
        f"{path}: laag '{layer}' lijkt geen CBS Wijk- en Buurtkaart (kolommen als buurtcode/BU_CODE "
        "en gemeentecode/GM_CODE ontbreken)")


def resolve_gemeente(path: Path, layer: str, schema: Schema, actual: dict[str, str],
                     gemeente: str) -> tuple[str, str, int]:
    """Find the municipality by code (``GM0415``, ``0415``) or name; only attributes are read.

    Returns its code, its name and its number of features in the layer.
    Raises InputError listing the closest names and codes when nothing matches.
    """
    cols = [actual[schema.gm_code]] + ([actual[schema.gm_name]] if schema.gm_name in actual else [])
    table = pyogrio.read_dataframe(path, layer=layer, columns=cols, read_geometry=False)
    table.columns = [c.lower() for c in table.columns]
    codes = table[schema.gm_code].astype(str).str.strip()
    names = table[schema.gm_name].astype(str).str.strip() if schema.gm_name in table else codes
    counts = codes.value_counts()
    pairs = pd.DataFrame({"code": codes, "name": names}).drop_duplicates("code")
    pairs = pairs.assign(n=pairs["code"].map(counts).to_numpy())
    wanted = gemeente.strip()
    by_code = {c.upper(): (c, n, int(k)) for c, n, k in zip(pairs["code"], pairs["name"], pairs["n"])}
    key = wanted.upper()
    if re.fullmatch(r"\d{1,4}", key):
        key = f"GM{int(key):04d}"
    if key in by_code:
        return by_code[key]
    folded = {_fold(v[1]): v for v in by_code.values()}
    if _fold(wanted) in folded:
        return folded[_fold(wanted)]
    candidates = list(folded) + [c.lower() for c in by_code]
    close = difflib.get_close_matches(_fold(wanted), candidates, n=5, cutoff=0.6)
    shown = []
    for match in close:
        code, name, _ = folded.get(match) or by_code[match.upper()]
        label = f"{name} ({code})"
        if label not in shown:
            shown.append(label)
    hint = f"; bedoelde u: {', '.join(shown)}?" if shown else ""
    raise InputError(f"gemeente '{wanted}' niet gevonden in {path}{hint}")


def _sql_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_cbs_wards(path, gemeente: str, *, level: str = "buurt", year: int | None = None,
                   layer: str | None = None, progress: bool | None = None) -> gpd.GeoDataFrame:
    """Read one municipality's wards from a CBS Wijk- en Buurtkaart file.

    Parameters
    ----------
    path : str or Path
        GeoPackage (``wijkenbuurten_YYYY_vN.gpkg``) or shapefile
        (``buurt_YYYY_vN.shp``, ``wijk_YYYY_vN.shp``).
    gemeente : str
        Municipality code (``GM0415``, ``0415``) or name (``Landsmeer``);
        case, accents and apostrophes do not matter.
    level : {"buurt", "wijk"}
        Which CBS level becomes the planner's wards.
    year : int, optional
        Edition year: picks the layer when a file holds several years and
        is stored in the ``year`` column (default: the year in the file
        name, as in ``wijkenbuurten_2024_v1.gpkg``, else unknown).
    layer : str, optional
        Layer name, when the automatic choice does not fit.
    progress : bool, optional
        Show a progress bar on stderr (default: only when stderr is a terminal).

    Returns
    -------
    GeoDataFrame
        Columns ``code``, ``name``, ``population`` (Int64, missing for CBS
        sentinels), ``wijk_code``, ``wijk_name``, ``level``, ``gemeente``, ``year``; RD New; water-only
        areas dropped; invalid polygons repaired
        (``attrs["repaired"]``, ``attrs["water_dropped"]``).
    """
    if level not in LEVELS:
        raise InputError(f"onbekend niveau '{level}'; kies uit {', '.join(LEVELS)}")
    path = geo.check_input_file(path)
    with _gis_errors(path):
        return _read_cbs_wards(path, gemeente, level, year, layer, progress)


@contextmanager
def _gis_errors(path):
    """GDAL errors while reading (a damaged or truncated file) as one InputError naming the file."""
    try:
        yield
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, pyogrio.errors.CRSError) as exc:
        raise InputError(f"{path}: geen leesbaar GIS-bestand ({geo.first_line(exc)})") from exc


def _read_cbs_wards(path, gemeente, level, year, layer, progress) -> gpd.GeoDataFrame:
    layer = layer or choose_layer(path, level, year)
    schema, actual = _schema(path, layer, level)
    gm_code, gm_name, count = resolve_gemeente(path, layer, schema, actual, gemeente)
    # The filter column is read too: GDAL's shapefile driver skips a WHERE on an unread column.
    columns = [actual[c] for c in (schema.code, schema.name, schema.gm_code, schema.water, schema.population,
                                   schema.wijk_code, schema.wijk_name) if c and c in actual]
    where = f"{actual[schema.gm_code]} = {_sql_quote(gm_code)}"
    chunks = []
    with progress_bar(f"{gm_name}: {level}en lezen", total=count, enabled=progress) as advance:
        offset = 0
        while True:
            part = pyogrio.read_dataframe(path, layer=layer, columns=columns, where=where,
                                          skip_features=offset, max_features=CHUNK)
            if part.empty:
                break
            chunks.append(part)
            offset += len(part)
            advance(len(part))
            if len(part) < CHUNK:
                break
    if not chunks:
        raise InputError(f"{path}: gemeente {gm_name} ({gm_code}) heeft geen {level}en in laag '{layer}'")
    gdf = pd.concat(chunks, ignore_index=True)
    gdf = gpd.GeoDataFrame(gdf, geometry=gdf.geometry.name, crs=chunks[0].crs)
    gdf.columns = [c if c == gdf.geometry.name else c.lower() for c in gdf.columns]
    return _to_wards(gdf, schema, level, gm_code, year or year_from_name(path), str(path))


def year_from_name(path) -> int | None:
    """The edition year in a CBS file name (``wijkenbuurten_2024_v1.gpkg``, ``buurt_2019_v3.shp``)."""
    m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(path).stem)
    return int(m[1]) if m else None


def _to_wards(gdf: gpd.GeoDataFrame, schema: Schema, level: str, gm_code: str,
              year: int | None, source: str) -> gpd.GeoDataFrame:
    water_dropped: list[str] = []
    if schema.water in gdf.columns:
        water = gdf[schema.water].astype(str).str.strip().str.upper().eq("JA").to_numpy()
        water_dropped = gdf.loc[water, schema.code].astype(str).tolist()
        gdf = gdf.loc[~water]
    gdf = gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty]
    if gdf.empty:
        raise InputError(f"{source}: gemeente {gm_code} heeft alleen wateroppervlak op niveau {level}")
    population = (clean_population(gdf[schema.population].to_numpy()) if schema.population in gdf.columns
                  else pd.Series(pd.NA, index=range(len(gdf)), dtype="Int64"))
    codes = gdf[schema.code].astype(str).str.strip()
    names = gdf[schema.name].fillna("").astype(str).str.strip()
    if level == "wijk":  # a wijk is its own CBS wijk
        wijk_code, wijk_name = codes, names
    else:  # the wijk column, else the first six digits of the buurt code (BU04150203 -> WK041502)
        derived = ("WK" + codes.str.extract(r"^BU(\d{6})\d{2}$", expand=False)).astype("string")
        wijk_code = (gdf[schema.wijk_code].astype("string").str.strip().replace("", pd.NA)
                     if schema.wijk_code in gdf.columns else pd.Series(pd.NA, index=gdf.index, dtype="string"))
        wijk_code = wijk_code.fillna(derived)
        wijk_name = (gdf[schema.wijk_name].astype("string").str.strip().replace("", pd.NA)
                     if schema.wijk_name in gdf.columns else pd.Series(pd.NA, index=gdf.index, dtype="string"))
    wards = gpd.GeoDataFrame(
        {
            "code": codes.to_numpy(),
            "name": names.to_numpy(),
            "population": population.array,
            "wijk_code": pd.array(wijk_code.to_numpy(), dtype="string"),
            "wijk_name": pd.array(wijk_name.to_numpy(), dtype="string"),
            "level": level,
            "gemeente": gm_code,
            "year": pd.array([year] * len(gdf), dtype="Int64"),
        },
        geometry=gdf.geometry.to_numpy(), crs=gdf.crs,
    )
    geo.require_unique(wards["code"], source, "wijkcode")
    wards = geo.to_rd(wards, source)
    # CBS polygons are multipolygons; make_valid may leave lines or points.
    wards = geo.repair_polygons(wards, source)
    repaired = wards.attrs.get("repaired", [])
    wards = wards[~wards.geometry.is_empty].reset_index(drop=True)
    wards.attrs.update(repaired=repaired, water_dropped=water_dropped)
    return wards


def feature_count(path, layer=None) -> int:
    """Number of features in a layer (cheap: from the file's metadata)."""
    return int(pyogrio.read_info(path, layer=layer)["features"])


__all__ = ["read_cbs_wards", "choose_layer", "year_from_name", "resolve_gemeente", "clean_population", "SCHEMAS",
           "SENTINEL_LIMIT", "feature_count", "progress_bar"]
