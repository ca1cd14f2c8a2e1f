"""Import roads: OpenStreetMap extracts, NWB and other line layers.

Roads in the planner are lines with a ``name`` and an OSM-style ``highway``
class. :func:`read_osm_roads` reads them from an ``.osm.pbf`` extract (with
pyrosm, or osmium when pyrosm is missing); :func:`read_line_roads` reads a
GeoPackage, Shapefile or GeoJSON line layer and maps the Dutch national road
file NWB (``wegbehsrt``, ``bst_code``, ``stt_naam``) onto OSM classes with
:func:`nwb_highway`. Both return WGS84 or the file's CRS; :func:`to_planner_roads`
validates that the roads lie in the Netherlands and projects them to RD New.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from planner import geo
from planner.core.coords import to_lonlat
from planner.errors import InputError
from planner.io.sources.cbs import progress_bar

# Classes kept from OSM: public roads and paths a sign could stand along.
ROAD_CLASSES = (
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road", "track", "pedestrian",
    "busway", "cycleway", "footway", "path", "bridleway", "steps",
)

# NWB: road authority (wegbeheerdersoort) -> class of an ordinary carriageway.
NWB_AUTHORITY_CLASS = {
    "R": "trunk",          # Rijk; a motorway when the route letter (routeltr) is A
    "P": "secondary",      # provincie (N-wegen)
    "G": "residential",    # gemeente
    "W": "unclassified",   # waterschap (polderwegen)
    "T": "service",        # overige beheerders (bedrijven, defensie, ...)
}
# NWB: baansubsoort (bst_code) that decides the class regardless of the authority.
NWB_BST_CLASS = {
    "FP": "cycleway",      # fietspad
    "VP": "footway",       # voetpad
    "VZ": "pedestrian",    # voetgangerszone
    "RP": "bridleway",     # ruiterpad
    "BU": "busway",        # busbaan
    "BUS": "busway",
    "PKP": "service",      # parkeerplaats
    "PKB": "service",      # parkeerbaan
    "VWG": "service",      # ventweg -> langs de hoofdweg, lokaal verkeer
    "PAR": None,           # parallelbaan: class of the authority
    "HR": None,            # hoofdrijbaan
    "RB": None,            # rijbaan (default since 2020)
}
# Ramps and connecting roads become the *_link of the authority's class.
NWB_LINK_CODES = {"OPR", "AFR", "VBD", "VBI", "VBK", "VBR", "VBS", "VBW", "VBM"}
NWB_COLUMNS = ("wegbehsrt", "bst_code")


def nwb_highway(wegbehsrt, bst_code, routeltr=None) -> np.ndarray:
    """Map NWB road attributes onto OSM ``highway`` classes (vectorized).

    Parameters
    ----------
    wegbehsrt : array-like of str
        Road authority: R (Rijk), P (provincie), G (gemeente), W (waterschap), T (overig).
    bst_code : array-like of str
        Baansubsoort: HR, RB, PAR, OPR/AFR/VB* (ramps), FP, VP, BU, ...
    routeltr : array-like of str, optional
        Route letter; ``A`` marks a motorway.

    Returns
    -------
    numpy.ndarray of str
        ``motorway``, ``trunk``, ``secondary``, ``residential``, ``unclassified``,
        ``service``, ``*_link``, ``cycleway``, ``footway``, ... (``road`` when unknown).
    """
    auth = pd.Series(wegbehsrt, dtype=object).fillna("").astype(str).str.strip().str.upper()
    bst = pd.Series(bst_code, dtype=object).fillna("").astype(str).str.strip().str.upper().to_numpy()
    base = auth.map(NWB_AUTHORITY_CLASS).fillna("road").to_numpy(dtype=object)
    if routeltr is not None:
        route = pd.Series(routeltr, dtype=object).fillna("").astype(str).str.strip().str.upper().to_numpy()
        base = np.where((auth.to_numpy() == "R") & (route == "A"), "motorway", base)
    fixed = pd.Series(bst).map({k: v for k, v in NWB_BST_CLASS.items() if v}).to_numpy(dtype=object)
    link = np.isin(bst, list(NWB_LINK_CODES)) & np.isin(base, ["motorway", "trunk", "primary", "secondary"])
    out = np.where(link, base.astype(str) + "_link", base)
    has_fixed = pd.notna(fixed)
    out = np.where(has_fixed, fixed, out)
    return out.astype(str)


def _parse_bbox(bbox) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    if isinstance(bbox, str):
        try:
            values = tuple(float(v) for v in bbox.replace(" ", "").split(","))
        except ValueError as exc:
            raise InputError(f"⟨bbox⟩: verwacht vier getallen 'W,Z,O,N', kreeg {bbox!r}") from exc
    else:
        values = tuple(float(v) for v in bbox)
    if len(values) != 4:
        raise InputError(f"⟨bbox⟩: verwacht vier getallen 'W,Z,O,N', kreeg {len(values)}")
    x0, y0, x1, y1 = values
    if x0 >= x1 or y0 >= y1:
        raise InputError("⟨bbox⟩: west moet kleiner zijn dan oost en zuid kleiner dan noord")
    return values


def bbox_lonlat(bbox) -> tuple[float, float, float, float] | None:
    """A bounding box in lon/lat; RD New numbers (metres) are converted.

    ``"4.88,52.41,4.96,52.46"`` is degrees, ``"119000,491000,125000,497000"``
    is RD New.
    """
    box = _parse_bbox(bbox)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    if max(abs(v) for v in box) > 180:
        lon, lat = to_lonlat(gpd.GeoSeries(shapely.points([x0, x1, x0, x1], [y0, y0, y1, y1])))
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())
    return box


def box_polygon(bbox):
    """The box as a polygon in its own CRS: ``(polygon, crs)``; degrees are WGS84, metres RD New."""
    x0, y0, x1, y1 = _parse_bbox(bbox)
    crs = geo.WGS84 if max(abs(v) for v in (x0, y0, x1, y1)) <= 180 else geo.RD_NEW
    return shapely.box(x0, y0, x1, y1), crs


def clip_to_box(gdf: gpd.GeoDataFrame, bbox) -> gpd.GeoDataFrame:
    """Cut road lines to the box: what lies outside it goes, also of a road that crosses its edge.

    Parameters
    ----------
    gdf : GeoDataFrame
        Lines in any CRS (without one: RD New, as :func:`planner.geo.to_rd` takes it).
    bbox : tuple or str
        ``W,Z,O,N`` in degrees (WGS84) or RD New metres (see :func:`bbox_lonlat`).

    Returns
    -------
    GeoDataFrame
        The rows with a line part in the box, their geometry cut to it (a road
        that leaves and re-enters the box becomes a MultiLineString), in the
        CRS of ``gdf``. A road that only touches the box in a point is dropped.
    """
    from pyproj import CRS

    if gdf.empty:
        return gdf
    if gdf.crs is None and (np.abs(gdf.total_bounds) <= 180).all():
        return gdf  # degrees without a CRS: planner.geo.to_rd reports it
    box, box_crs = box_polygon(bbox)
    data_crs = CRS.from_user_input(gdf.crs) if gdf.crs is not None else CRS.from_user_input(geo.RD_NEW)
    geoms = gdf.geometry.to_numpy()
    if data_crs.equals(CRS.from_user_input(box_crs)):
        cut = shapely.clip_by_rect(geoms, *box.bounds)
    else:  # the box's edges, densified, in the data's CRS
        side = min(box.bounds[2] - box.bounds[0], box.bounds[3] - box.bounds[1])
        outline = gpd.GeoSeries([shapely.segmentize(box, side / 100)], crs=box_crs).to_crs(data_crs).iloc[0]
        shapely.prepare(outline)
        cut = shapely.intersection(geoms, outline)
    parts, owner = shapely.get_parts(cut, return_index=True)
    line = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)
    parts, owner = parts[line], owner[line]
    rows, inverse = np.unique(owner, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(rows))
    lines = shapely.multilinestrings(parts, indices=inverse) if len(parts) else np.empty(0, dtype=object)
    single = counts == 1
    lines[single] = parts[np.searchsorted(inverse, np.flatnonzero(single))]
    out = gdf.iloc[rows].copy()
    out = out.set_geometry(gpd.GeoSeries(lines, index=out.index, crs=gdf.crs))
    return out.reset_index(drop=True)


def bbox_of_wards(wards: gpd.GeoDataFrame, margin: float = 500.0) -> tuple[float, float, float, float]:
    """The lon/lat box around wards (RD New) plus ``margin`` metres."""
    x0, y0, x1, y1 = wards.to_crs(geo.RD_NEW).total_bounds
    return bbox_lonlat((x0 - margin, y0 - margin, x1 + margin, y1 + margin))


def read_osm_roads(path, *, bbox=None, engine: str = "auto", progress: bool | None = None) -> gpd.GeoDataFrame:
    """Read roads from an OpenStreetMap ``.osm.pbf`` extract.

    Parameters
    ----------
    path : str or Path
        The extract (e.g. from Geofabrik).
    bbox : tuple or str, optional
        Cut the roads to this box (lon/lat or RD New, see :func:`bbox_lonlat` and
        :func:`clip_to_box`): parts outside it are dropped.
    engine : {"auto", "pyrosm", "osmium"}
        Reader; ``auto`` uses pyrosm when it is installed, else osmium.
    progress : bool, optional
        Show a spinner on stderr (default: only on a terminal).

    Returns
    -------
    GeoDataFrame
        ``osm_id``, ``name`` ("" when unnamed), ``highway`` (one of
        :data:`ROAD_CLASSES`), line geometry in WGS84 (EPSG:4326).
    """
    path = geo.check_input_file(path)
    if not path.name.lower().endswith(".pbf"):
        raise InputError(f"{path}: geen OSM-extract (.osm.pbf)")
    box = bbox_lonlat(bbox)
    if engine == "auto":
        try:
            import pyrosm  # noqa: F401
            engine = "pyrosm"
        except ImportError:
            engine = "osmium"
    with progress_bar(f"{path.name}: wegen lezen", enabled=progress):
        try:
            gdf = _read_pyrosm(path, box) if engine == "pyrosm" else _read_osmium(path, box)
        except InputError:
            raise
        except Exception as exc:  # corrupt or truncated PBF
            raise InputError(f"{path}: geen leesbaar OSM-bestand ({geo.first_line(exc)})") from exc
    gdf = gdf[gdf["highway"].isin(ROAD_CLASSES)]
    if bbox is not None:
        gdf = clip_to_box(gdf, bbox)
    if gdf.empty:
        raise InputError(f"{path}: geen wegen gevonden" + (" in het opgegeven gebied" if box else ""))
    return gdf.reset_index(drop=True)


def _read_pyrosm(path: Path, box) -> gpd.GeoDataFrame:
    import pyrosm

    osm = pyrosm.OSM(str(path), bounding_box=list(box) if box else None)
    net = osm.get_network(network_type="all")
    if net is None or len(net) == 0:
        return gpd.GeoDataFrame({"osm_id": [], "name": [], "highway": []}, geometry=[], crs=geo.WGS84)
    name = net["name"] if "name" in net else pd.Series("", index=net.index)
    gdf = gpd.GeoDataFrame(
        {"osm_id": net["id"].astype("int64").to_numpy(), "name": name.fillna("").astype(str).to_numpy(),
         "highway": net["highway"].fillna("").astype(str).to_numpy()},
        geometry=net.geometry.to_numpy(), crs=geo.WGS84,
    )
    # pyrosm may return a way split into a MultiLineString; keep it whole.
    return gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]


def _read_osmium(path: Path, box) -> gpd.GeoDataFrame:
    import osmium

    wkb = osmium.geom.WKBFactory()
    ids, names, classes, geoms = [], [], [], []
    fp = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for way in fp:
        if not way.is_way() or "highway" not in way.tags:
            continue
        try:
            geoms.append(wkb.create_linestring(way))
        except (RuntimeError, osmium.InvalidLocationError):  # nodes outside the extract, or too few
            continue
        ids.append(way.id)
        names.append(way.tags.get("name", ""))
        classes.append(way.tags.get("highway", ""))
    return gpd.GeoDataFrame({"osm_id": np.asarray(ids, dtype="int64"), "name": names, "highway": classes},
                            geometry=shapely.from_wkb(geoms) if geoms else [], crs=geo.WGS84)


def read_line_roads(path, *, layer=None, bbox=None, name_column=None, class_column=None) -> gpd.GeoDataFrame:
    """Read roads from a GeoPackage, Shapefile or GeoJSON line layer.

    NWB files (columns ``wegbehsrt`` and ``bst_code``) get their class from
    :func:`nwb_highway` and their name from ``stt_naam``. Other layers need a
    ``highway`` column or ``class_column``; ``name_column`` names the street
    name column. ``bbox`` (lon/lat or RD) filters while reading, and the
    roads are then cut to it (:func:`clip_to_box`).

    Returns
    -------
    GeoDataFrame
        ``name``, ``highway`` and the lines, in the file's CRS.
    """
    path = geo.check_input_file(path)
    if path.suffix.lower() not in geo.VECTOR_SUFFIXES:
        raise InputError(f"{path}: onbekend bestandstype '{path.suffix}'; gebruik .osm.pbf, GeoPackage, "
                         "Shapefile of GeoJSON")
    read_bbox = None
    box = bbox_lonlat(bbox)
    try:
        info = pyogrio.read_info(path, layer=layer)
        if box is not None:
            read_bbox = _box_in_crs(box, info.get("crs"))
        gdf = pyogrio.read_dataframe(path, layer=layer, bbox=read_bbox)
    except pyogrio.errors.DataSourceError as exc:
        raise InputError(f"{path}: geen leesbaar GIS-bestand ({geo.first_line(exc)})") from exc
    except pyogrio.errors.DataLayerError as exc:
        raise InputError(f"{path}: laag niet leesbaar ({geo.first_line(exc)})") from exc
    gdf.columns = [c if c == gdf.geometry.name else str(c).strip().lower() for c in gdf.columns]
    gdf = gdf[~gdf.geometry.isna() & ~gdf.geometry.is_empty]
    if box is not None and not gdf.empty and gdf.geom_type.isin(["LineString", "MultiLineString"]).all():
        gdf = clip_to_box(gdf, bbox)
    if gdf.empty:
        raise InputError(f"{path}: geen wegen gevonden" + (" in het opgegeven gebied" if box else ""))
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"LineString", "MultiLineString"}:
        raise InputError(f"{path}: wegen moeten lijnen zijn, niet {', '.join(sorted(kinds))}")
    if class_column:
        col = class_column.lower()
        if col not in gdf.columns:
            raise InputError(f"{path}: kolom '{class_column}' bestaat niet")
        highway = gdf[col].fillna("").astype(str).str.strip().str.lower().to_numpy()
    elif all(c in gdf.columns for c in NWB_COLUMNS):
        highway = nwb_highway(gdf["wegbehsrt"], gdf["bst_code"], gdf.get("routeltr"))
        name_column = name_column or "stt_naam"
    elif "highway" in gdf.columns:
        highway = gdf["highway"].fillna("").astype(str).str.strip().str.lower().to_numpy()
    else:
        raise InputError(f"{path}: geen wegklasse; verwacht kolom 'highway' (OSM), NWB-kolommen "
                         "wegbehsrt/bst_code, of geef ⟨class_column⟩")
    name_col = (name_column or "name").lower()
    if name_column and name_col not in gdf.columns:
        raise InputError(f"{path}: kolom '{name_column}' bestaat niet")
    names = gdf[name_col].fillna("").astype(str).str.strip().to_numpy() if name_col in gdf.columns else ""
    return gpd.GeoDataFrame({"name": names, "highway": highway}, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)


def _box_in_crs(box, crs):
    if not crs:
        return None
    from pyproj import CRS

    target = CRS.from_user_input(crs)
    if target.is_geographic:
        return box
    corners = gpd.GeoSeries(shapely.points([box[0], box[2], box[0], box[2]], [box[1], box[1], box[3], box[3]]),
                            crs=geo.WGS84).to_crs(target)
    return tuple(corners.total_bounds)


def read_roads(path, *, layer=None, bbox=None, name_column=None, class_column=None,
               engine="auto", progress=None) -> gpd.GeoDataFrame:
    """Read roads from any supported file and return them in RD New, validated.

    ``.osm.pbf`` goes through :func:`read_osm_roads`, everything else through
    :func:`read_line_roads`. Roads outside the Netherlands are an error.
    """
    name = Path(path).name.lower()
    if name.endswith(".pbf"):
        gdf = read_osm_roads(path, bbox=bbox, engine=engine, progress=progress)
    else:
        gdf = read_line_roads(path, layer=layer, bbox=bbox, name_column=name_column, class_column=class_column)
    return to_planner_roads(gdf, str(path))


def to_planner_roads(gdf: gpd.GeoDataFrame, source="wegen") -> gpd.GeoDataFrame:
    """Validate that the roads lie in the Netherlands and project them to RD New."""
    return geo.to_rd(gdf, source).reset_index(drop=True)
