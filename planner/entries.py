"""Entry roads (*invalswegen*): where a public road crosses into a ward.

The model (see ``shared/domain.md``, "The placement model"):

* an **entry** of ward *W* is a point where a road of a counted class
  (``policy.class_weights``) crosses the boundary of *W* so that on one side
  of the point the road lies strictly inside *W* and on the other side it
  does not. Roads are two-way, so a road from ward A into ward B is an entry
  of B and, seen from the other direction, of A; a road from outside the
  municipality into a ward is an entry of that ward. A road lying along the
  boundary, or touching it, is no entry until it actually enters;
* crossings of one road (same name, or the same unnamed feature) closer
  than ``policy.merge_distance`` are one entry (a dual carriageway, a road
  zig-zagging along the boundary);
* a **candidate** position lies on the road, ``policy.inset`` metres inside
  the ward from the crossing (less when the road leaves the ward sooner).

Everything is computed for all wards at once: one STRtree over the road
parts, queried with all ward boundaries, and array operations from there.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .geo import RD_NEW
from .policy import Policy, road_class_nl

SIDE_STEP = 0.5        # metres along the road to look at both sides of a crossing
BOUNDARY_TOL = 0.01    # a point closer than this to the boundary is "on" it
ENTRY_COLUMNS = ["entry_id", "ward_code", "road", "road_class", "weight", "road_index",
                 "crossings", "candidate", "geometry"]
WATER_VALUES = {"ja", "j", "yes", "true", "1", "water"}


def classify_roads(roads: gpd.GeoDataFrame, policy: Policy, class_map: dict | None = None,
                   class_column: str = "highway") -> pd.DataFrame:
    """Class and weight of every road under ``policy``.

    Parameters
    ----------
    roads : GeoDataFrame
        Road lines with a class column (OSM ``highway`` by default).
    policy : Policy
        ``class_weights`` names the classes that count and their weight.
    class_map : dict, optional
        Maps other class values (e.g. NWB's ``wegbehsrt`` ``G``/``P``/``R``)
        onto policy classes; unmapped values keep their own (lower-cased) name.
    class_column : str
        Column holding the class.

    Returns
    -------
    DataFrame with ``road_class`` (str) and ``weight`` (float, 0 = not counted),
    index aligned with ``roads``.
    """
    raw = roads[class_column].fillna("").astype(str).str.strip()
    if class_map:
        lookup = {str(k).lower(): str(v).lower() for k, v in class_map.items()}
        cls = raw.str.lower().map(lambda v: lookup.get(v, v))
    else:
        cls = raw.str.lower()
    weight = cls.map(policy.class_weights).fillna(0.0).astype(float)
    return pd.DataFrame({"road_class": cls, "weight": weight}, index=roads.index)


def _is_water(wards: gpd.GeoDataFrame) -> np.ndarray:
    if "water" not in wards.columns:
        return np.zeros(len(wards), dtype=bool)
    return wards["water"].fillna("").astype(str).str.strip().str.lower().isin(WATER_VALUES).to_numpy()


def _strictly_inside(polys, points) -> np.ndarray:
    """Elementwise: point inside polygon and not on (or within a hair of) its boundary."""
    return shapely.contains(polys, points) & (shapely.distance(shapely.boundary(polys), points) > BOUNDARY_TOL)


def step_inside(parts, along, direction, polys, distance: float):
    """Points ``distance`` metres along each road part in ``direction`` (+1/-1),
    pulled back (to half, then to ``SIDE_STEP``) where that point is not
    strictly inside its polygon. All arguments are aligned arrays."""
    length = shapely.length(parts)
    result = None
    ok = np.zeros(len(parts), dtype=bool)
    for step in (distance, distance / 2.0, SIDE_STEP):
        pts = shapely.line_interpolate_point(parts, np.clip(along + direction * step, 0.0, length))
        good = _strictly_inside(polys, pts)
        result = pts if result is None else np.where(~ok & good, pts, result)
        ok |= good
    return result


def find_crossings(wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, policy: Policy, *,
                   class_map: dict | None = None, class_column: str = "highway") -> pd.DataFrame:
    """Every point where a counted road enters a ward (before merging).

    Returns a DataFrame with ``ward_pos`` (positional index into ``wards``),
    ``road_index`` (positional index into ``roads``), ``x``, ``y`` (the point
    on the boundary), ``along`` and ``direction`` (position on the road part
    and the way into the ward), ``part`` (the road part, a LineString),
    ``road_class`` and ``weight``.
    """
    cols = ["ward_pos", "road_index", "x", "y", "along", "direction", "part", "road_class", "weight"]
    if roads is None or len(roads) == 0 or len(wards) == 0:
        return pd.DataFrame(columns=cols)
    classes = classify_roads(roads, policy, class_map, class_column)
    counted = np.flatnonzero(classes["weight"].to_numpy() > 0)
    if counted.size == 0:
        return pd.DataFrame(columns=cols)
    parts, part_road = shapely.get_parts(roads.geometry.values[counted], return_index=True)
    part_road = counted[part_road]
    keep = ~shapely.is_empty(parts) & (shapely.length(parts) > 0)
    parts, part_road = parts[keep], part_road[keep]
    land = np.flatnonzero(~_is_water(wards))
    polys = wards.geometry.values
    boundaries = shapely.boundary(polys[land])
    ward_i, part_j = shapely.STRtree(parts).query(boundaries, predicate="intersects")
    ward_i = land[ward_i]
    inter = shapely.intersection(shapely.boundary(polys[ward_i]), parts[part_j])
    coords, pair = shapely.get_coordinates(inter, return_index=True)
    if coords.size == 0:
        return pd.DataFrame(columns=cols)
    # The same point can come back more than once (a vertex shared by two parts
    # of the intersection): keep one per (ward, road part, point).
    key = pd.DataFrame({"p": pair, "x": np.round(coords[:, 0], 3), "y": np.round(coords[:, 1], 3)})
    first = ~key.duplicated().to_numpy()
    coords, pair = coords[first], pair[first]
    w, pj = ward_i[pair], part_j[pair]
    line = parts[pj]
    pts = shapely.points(coords)
    along = shapely.line_locate_point(line, pts)
    length = shapely.length(line)
    before = shapely.line_interpolate_point(line, np.clip(along - SIDE_STEP, 0.0, length))
    after = shapely.line_interpolate_point(line, np.clip(along + SIDE_STEP, 0.0, length))
    in_before = _strictly_inside(polys[w], before)
    in_after = _strictly_inside(polys[w], after)
    entry = in_before ^ in_after
    road_index = part_road[pj[entry]]
    return pd.DataFrame({
        "ward_pos": w[entry],
        "road_index": road_index,
        "x": coords[entry, 0],
        "y": coords[entry, 1],
        "along": along[entry],
        "direction": np.where(in_after[entry], 1.0, -1.0),
        "part": line[entry],
        "road_class": classes["road_class"].to_numpy()[road_index],
        "weight": classes["weight"].to_numpy()[road_index],
    })


def _merge_groups(xy: np.ndarray, keys: np.ndarray, distance: float) -> np.ndarray:
    """Component label of each point: same key and chained within ``distance``."""
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pts = shapely.points(xy)
    i, j = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=max(distance, 1e-9))
    same = keys[i] == keys[j]
    graph = coo_matrix((np.ones(same.sum()), (i[same], j[same])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def find_entries(wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None, policy: Policy, *,
                 class_map: dict | None = None, class_column: str = "highway") -> gpd.GeoDataFrame:
    """The entries of all wards, vectorized over all wards at once.

    Parameters
    ----------
    wards : GeoDataFrame
        Ward polygons (RD New) with ``code``; wards with ``water`` = ``JA``
        get no entries.
    roads : GeoDataFrame or None
        Road lines (RD New) with ``name`` and a class column.
    policy : Policy
        ``class_weights`` (which classes count, their weight),
        ``merge_distance`` and ``inset``.
    class_map, class_column
        See :func:`classify_roads` (for NWB-style classes).

    Returns
    -------
    GeoDataFrame (RD New), one row per entry: ``entry_id`` (``"<ward>-E<k>"``,
    k = 1 for the most important), ``ward_code``, ``road`` (name),
    ``road_class``, ``weight``, ``road_index`` (positional index into
    ``roads``), ``crossings`` (merged crossing count), ``candidate`` (the
    inset position, a Point) and geometry (the Point on the ward boundary).
    """
    cross = find_crossings(wards, roads, policy, class_map=class_map, class_column=class_column)
    if cross.empty:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS[:-1]},
                                geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)
    names = roads["name"].fillna("").astype(str).to_numpy()[cross["road_index"].to_numpy()]
    road_key = np.where(names != "", "n:" + names, "i:" + cross["road_index"].astype(str).to_numpy())
    keys = cross["ward_pos"].astype(str).to_numpy() + "|" + road_key
    xy = cross[["x", "y"]].to_numpy(dtype=float)
    cross = cross.assign(road=names, group=_merge_groups(xy, keys, policy.merge_distance))
    # Representative crossing per group: the heaviest road, then west-most, south-most.
    cross = cross.sort_values(["group", "weight", "x", "y"], ascending=[True, False, True, True])
    counts = cross.groupby("group").size()
    rep = cross.drop_duplicates("group").copy()
    rep["crossings"] = rep["group"].map(counts).to_numpy()
    polys = wards.geometry.values[rep["ward_pos"].to_numpy()]
    rep["candidate"] = step_inside(rep["part"].to_numpy(), rep["along"].to_numpy(dtype=float),
                                   rep["direction"].to_numpy(dtype=float), polys, policy.inset)
    rep["ward_code"] = wards["code"].to_numpy()[rep["ward_pos"].to_numpy()]
    rep = rep.sort_values(["ward_code", "weight", "x", "y"], ascending=[True, False, True, True])
    k = rep.groupby("ward_code").cumcount() + 1
    rep["entry_id"] = rep["ward_code"].astype(str) + "-E" + k.astype(str)
    out = gpd.GeoDataFrame(rep[ENTRY_COLUMNS[:-1]].reset_index(drop=True),
                           geometry=shapely.points(rep[["x", "y"]].to_numpy(dtype=float)), crs=RD_NEW)
    out["road_index"] = out["road_index"].astype(np.int64)
    out["weight"] = out["weight"].astype(float)
    out["crossings"] = out["crossings"].astype(np.int64)
    return out


def road_candidates(entries: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame,
                    policy: Policy, steps=(1, 2, 3)) -> gpd.GeoDataFrame:
    """More positions per entry: ``k * policy.inset`` inside the ward along its road.

    Used for relocation, where a sign may move a little further along the
    same road. Returns a GeoDataFrame with ``entry_id``, ``step`` and Point
    geometry (duplicates, where the road leaves the ward sooner, are dropped).
    """
    if entries.empty:
        return gpd.GeoDataFrame({"entry_id": [], "step": []}, geometry=[], crs=RD_NEW)
    ward_pos = pd.Index(wards["code"]).get_indexer(entries["ward_code"])
    parts, part_entry = shapely.get_parts(roads.geometry.values[entries["road_index"].to_numpy()],
                                          return_index=True)
    # The part the entry lies on: the nearest one to its boundary point.
    dist = shapely.distance(parts, entries.geometry.values[part_entry])
    order = np.lexsort((dist, part_entry))
    first = np.r_[True, part_entry[order][1:] != part_entry[order][:-1]]
    part = parts[order][first]
    pts = entries.geometry.values
    polys = wards.geometry.values[ward_pos]
    along = shapely.line_locate_point(part, pts)
    length = shapely.length(part)
    ahead = shapely.line_interpolate_point(part, np.clip(along + SIDE_STEP, 0.0, length))
    direction = np.where(_strictly_inside(polys, ahead), 1.0, -1.0)
    frames = []
    for step in steps:
        geom = step_inside(part, along, direction, polys, step * policy.inset)
        frames.append(gpd.GeoDataFrame({"entry_id": entries["entry_id"].to_numpy(), "step": step},
                                       geometry=geom, crs=RD_NEW))
    out = pd.concat(frames, ignore_index=True)
    xy = np.round(shapely.get_coordinates(out.geometry.values), 1)
    out = out[~pd.DataFrame({"e": out["entry_id"], "x": xy[:, 0], "y": xy[:, 1]}).duplicated().to_numpy()]
    return gpd.GeoDataFrame(out.reset_index(drop=True), crs=RD_NEW)


def no_entry_reason(ward_code: str, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None,
                    policy: Policy, *, class_map: dict | None = None,
                    class_column: str = "highway") -> str:
    """Why a ward has no entries, in Dutch (for a ``needs_review`` answer)."""
    row = wards[wards["code"] == ward_code]
    name = row["name"].iloc[0] if len(row) else ward_code
    tail = " Er wordt geen plek verzonnen; een medewerker bepaalt met de beheerder waar de borden komen."
    if len(row) and _is_water(row)[0]:
        return f"Wijk {name} is water; daar komen geen borden.{tail}"
    if roads is None or len(roads) == 0:
        return f"Er zijn geen weggegevens geladen, dus de invalswegen van wijk {name} zijn onbekend.{tail}"
    poly = row.geometry.values[0]
    near = roads[shapely.intersects(roads.geometry.values, poly)]
    if near.empty:
        return f"In of langs wijk {name} liggen geen wegen.{tail}"
    classes = classify_roads(near, policy, class_map, class_column)
    if (classes["weight"] == 0).all():
        labels = sorted({f"{n or 'naamloze weg'} ({road_class_nl(c)})"
                         for n, c in zip(near["name"], classes["road_class"])})
        return (f"Wijk {name} heeft alleen wegen die volgens het beleid geen invalsweg zijn: "
                f"{', '.join(labels)}.{tail}")
    return f"Geen openbare weg komt wijk {name} binnen (wegen liggen er alleen in of langs).{tail}"
