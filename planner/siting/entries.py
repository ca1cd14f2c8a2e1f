"""Entry roads (*invalswegen*): where a public road comes into a ward.

The model (see ``shared/domain.md``, "The placement model"):

* an **entry** of ward *W* is a place where a road of a counted class
  (``policy.class_weights``) comes from *W*'s boundary into *W* and reaches
  ``policy.boundary_clearance`` metres (measured to the boundary) inside *W*
  before it leaves *W* again. Roads are two-way, so a road from ward A into
  ward B is an entry of B and, seen from the other direction, of A; a road
  from outside the municipality into a ward is an entry of that ward;
* a road **along the boundary** (CBS boundaries often follow street centre
  lines: the road zig-zags across the boundary within a few decimetres) is
  no entry of either ward; a street that leaves it into a ward is an entry of
  that ward, at the junction. Seeds are the crossings of a road with the
  boundary and road ends within :data:`ALONG_TOLERANCE` of it; from a seed the
  road is followed into the ward, and a seed whose road turns back across the
  boundary before it is ``boundary_clearance`` inside gives nothing;
* crossings of one road (same name, or the same unnamed feature) closer
  than ``policy.merge_distance`` are one entry (a dual carriageway, a road
  zig-zagging along the boundary);
* a **candidate** position lies on the road, at least ``policy.inset``
  metres along the road from the entry and at least
  ``policy.boundary_clearance`` metres from the ward's boundary (its
  ``clearance`` is that distance, measured).

:class:`RoadNetwork` classifies the roads and builds their spatial index
once; its :meth:`RoadNetwork.entries` answers for any set of wards at once
(one STRtree query, array operations from there) and caches per ward, so
the entries of one ward cost the same in a municipality or in the country.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.cache import FrameCache
from planner.core.coords import RD_NEW
from planner.core.policy import Policy
from planner.core.vocabulary import UNNAMED_ROAD, road_class_nl

ALONG_TOLERANCE = 3.0   # metres: a road this close to the boundary runs along it
SIDE_STEP = 0.5         # metres along the road to see which side of a seed is inside
STEP = 5.0              # metres between tried candidate positions along the road near the entry
FAR_STEP = 25.0         # ... and further on (then refined back to STEP)
MAX_WALK = 1000.0       # metres along the road beyond which a road running along the boundary is no entry
BACK_STEP = 2.0         # metres between samples when looking back for the junction
CHUNK_WARDS = 2000      # wards whose entries are computed in one vectorized pass (bounds the memory)


def _offsets(inset: float) -> np.ndarray:
    """Tried distances along the road: every STEP for 50 m, then every FAR_STEP up to MAX_WALK."""
    return np.r_[inset + np.arange(0.0, 50.0, STEP), inset + np.arange(50.0, MAX_WALK + FAR_STEP, FAR_STEP)]
ENTRY_COLUMNS = ["entry_id", "ward_code", "road", "road_class", "weight", "road_index",
                 "crossings", "candidate", "clearance", "part", "along", "direction", "limit", "geometry"]
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
    cls = roads[class_column].fillna("").astype(str).str.strip().str.lower()
    if class_map:
        lookup = {str(k).lower(): str(v).lower() for k, v in class_map.items()}
        cls = cls.map(lambda v: lookup.get(v, v))
    weight = cls.map(policy.class_weights).fillna(0.0).astype(float)
    return pd.DataFrame({"road_class": cls, "weight": weight}, index=roads.index)


def is_water(wards: gpd.GeoDataFrame) -> np.ndarray:
    """Per ward: is it a water area (``water`` = ``JA``)?"""
    if "water" not in wards.columns:
        return np.zeros(len(wards), dtype=bool)
    return wards["water"].fillna("").astype(str).str.strip().str.lower().isin(WATER_VALUES).to_numpy()


def _empty_entries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS[:-1]},
                            geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)


def entry_arrays(entries: gpd.GeoDataFrame) -> dict:
    """Entries (one ward's) as plain arrays: ``entry_id``, ``road``, ``road_class``,
    ``clearance``, ``weight``, ``xy`` (entry points) and ``cand_xy`` (candidates)."""
    e = {k: entries[k].to_numpy() for k in ("entry_id", "road", "road_class", "clearance")}
    e["weight"] = entries["weight"].to_numpy(float)
    e["xy"] = shapely.get_coordinates(entries.geometry.values).reshape(-1, 2)
    e["cand_xy"] = shapely.get_coordinates(entries["candidate"].to_numpy()).reshape(-1, 2)
    return e


def _merge_groups(xy: np.ndarray, keys: np.ndarray, distance: float) -> np.ndarray:
    """Component label of each point: same key and chained within ``distance``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pts = shapely.points(xy)
    i, j = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=max(distance, 1e-9))
    same = keys[i] == keys[j]
    graph = coo_matrix((np.ones(same.sum()), (i[same], j[same])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _walk(parts, along, direction, offset):
    """Points ``offset`` metres from ``along`` in ``direction`` on each part (aligned arrays)."""
    return shapely.line_interpolate_point(parts, along + direction * offset)


class RoadNetwork:
    """Roads classified once under a policy, with their spatial indexes.

    Build it once per run (:func:`road_network` caches it per roads frame
    and policy); :meth:`entries` then answers for any wards, computing each
    ward's entries once.

    Parameters
    ----------
    roads : GeoDataFrame or None
        Road lines (RD New) with ``name`` and a class column.
    policy : Policy
    class_map, class_column
        See :func:`classify_roads` (for NWB-style classes).
    """

    def __init__(self, roads: gpd.GeoDataFrame | None, policy: Policy, *,
                 class_map: dict | None = None, class_column: str = "highway"):
        self.roads, self.policy = roads, policy
        self._blocks: list[gpd.GeoDataFrame] = []          # computed entries, one frame per batch
        self._where: dict[str, tuple[int, np.ndarray]] = {}  # ward code -> (batch, rows)
        self._arrays: dict[int, dict] = {}                 # batch -> its entries as arrays
        self._trees: dict[str, shapely.STRtree] = {}
        if roads is None or len(roads) == 0:
            self.geoms = np.zeros(0, dtype=object)
            self.names = self.road_class = np.zeros(0, dtype=object)
            self.weight = np.zeros(0)
        else:
            classes = classify_roads(roads, policy, class_map, class_column)
            self.geoms = np.asarray(roads.geometry.values, dtype=object)
            names = roads["name"] if "name" in roads else pd.Series("", index=roads.index)
            self.names = names.fillna("").astype(str).to_numpy(dtype=object)
            self.road_class = classes["road_class"].to_numpy(dtype=object)
            self.weight = classes["weight"].to_numpy(dtype=float)
        self.counted = np.flatnonzero(self.weight > 0)
        parts, idx = shapely.get_parts(self.geoms[self.counted], return_index=True)
        keep = ~shapely.is_empty(parts) & (shapely.length(parts) > 0)
        self.parts, self.part_road = parts[keep], self.counted[idx[keep]]

    @property
    def empty(self) -> bool:
        return len(self.geoms) == 0

    def _tree(self, kind: str) -> shapely.STRtree:
        if kind not in self._trees:
            geoms = {"parts": self.parts, "all": self.geoms, "counted": self.geoms[self.counted]}[kind]
            self._trees[kind] = shapely.STRtree(geoms)
        return self._trees[kind]

    # ------------------------------------------------------------- lookups

    def nearest_counted(self, points) -> dict[str, np.ndarray]:
        """Nearest counted road of each point: arrays ``road``, ``road_class``, ``weight``, ``distance``."""
        points = np.asarray(points, dtype=object)
        n = len(points)
        out = {"road": np.full(n, "", dtype=object), "road_class": np.full(n, "", dtype=object),
               "weight": np.zeros(n), "distance": np.full(n, np.inf)}
        if self.counted.size == 0 or n == 0:
            return out
        pi, ri = self._tree("counted").query_nearest(points, all_matches=False)
        road = self.counted[ri]
        out["road"][pi] = self.names[road]
        out["road_class"][pi] = self.road_class[road]
        out["weight"][pi] = self.weight[road]
        out["distance"][pi] = shapely.distance(points[pi], self.geoms[road])
        return out

    def near(self, geometry) -> np.ndarray:
        """Positional indexes of the roads (any class) that intersect ``geometry``."""
        if self.empty:
            return np.zeros(0, dtype=np.int64)
        return np.sort(self._tree("all").query(geometry, predicate="intersects"))

    # ------------------------------------------------------------- entries

    @staticmethod
    def _junction(lines, a0, direction, rings, offset) -> np.ndarray:
        """Per row: the last distance along the road (before ``offset``) still within
        ``ALONG_TOLERANCE`` of the boundary: where a road running along it turns in."""
        best = np.zeros(len(lines))
        for step, span in ((FAR_STEP, None), (BACK_STEP, FAR_STEP)):
            start = best.copy()
            top = offset if span is None else np.minimum(offset, start + span)
            for back in np.arange(0.0, float(top.max() - start.min()) + step, step):
                active = np.flatnonzero(start + back <= top)
                if active.size == 0:
                    break
                pts = _walk(lines[active], a0[active], direction[active], start[active] + back)
                near = shapely.distance(rings[active], pts) <= ALONG_TOLERANCE
                best[active[near]] = start[active[near]] + back
        return best

    def ward_arrays(self, wards: gpd.GeoDataFrame, code: str) -> dict:
        """One ward's entries as plain arrays (see :func:`entry_arrays`), for the per-request path."""
        if code not in self._where:
            self._fill(wards, [code])
        block, idx = self._where[code]
        if block not in self._arrays:
            self._arrays[block] = entry_arrays(self._blocks[block])
        return {k: v[idx] for k, v in self._arrays[block].items()}

    def ward_entries(self, wards: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
        """The entries of one ward (computed on first use, then from the cache)."""
        if code not in self._where:
            self._fill(wards, [code])
        block, idx = self._where[code]
        return self._blocks[block].iloc[idx]

    def entries(self, wards: gpd.GeoDataFrame, codes=None) -> gpd.GeoDataFrame:
        """The entries of ``wards`` (or of the wards with ``codes``), each ward computed once.

        Returns the frame described in :func:`find_entries`, wards in the order asked.
        """
        wanted = list(dict.fromkeys(wards["code"].astype(str) if codes is None else map(str, codes)))
        self._fill(wards, [c for c in wanted if c not in self._where])
        parts = [(self._where[c][0], self._where[c][1]) for c in wanted]
        parts = [(b, i) for b, i in parts if len(i)]
        if not parts:
            return _empty_entries()
        blocks = {b for b, _ in parts}
        if len(blocks) == 1:
            block = blocks.pop()
            out = self._blocks[block].iloc[np.concatenate([i for _, i in parts])]
        else:
            out = pd.concat([self._blocks[b].iloc[i] for b, i in parts])
        return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=RD_NEW)

    def _fill(self, wards: gpd.GeoDataFrame, missing: list[str]) -> None:
        """Compute the entries of the ``missing`` wards at once and remember where each ward's rows are."""
        if not missing:
            return
        all_codes = pd.Index(wards["code"].astype(str).to_numpy())
        empty = np.zeros(0, dtype=np.int64)
        for start in range(0, len(missing), CHUNK_WARDS):  # bounded memory for a whole country
            chunk = missing[start:start + CHUNK_WARDS]
            pos = all_codes.get_indexer(chunk)
            found = self._compute(wards.iloc[pos[pos >= 0]])
            block = len(self._blocks)
            self._blocks.append(found)
            groups = found.groupby("ward_code").indices if len(found) else {}
            for code in chunk:
                self._where[code] = (block, groups.get(code, empty))

    def _compute(self, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Entries of ``wards``, vectorized over all of them (see the module docstring)."""
        policy = self.policy
        land = np.flatnonzero(~is_water(wards))
        if self.parts.size == 0 or land.size == 0:
            return _empty_entries()
        polys = np.asarray(wards.geometry.values, dtype=object)[land]
        codes = wards["code"].astype(str).to_numpy()[land]
        bnd = shapely.boundary(polys)
        shapely.prepare(polys)
        wi, pj = self._tree("parts").query(bnd, predicate="dwithin", distance=ALONG_TOLERANCE)
        if wi.size == 0:
            return _empty_entries()
        part, ring = self.parts[pj], bnd[wi]
        # Seeds: crossings with the boundary, and road ends lying on (within tolerance of) it.
        inter = shapely.intersection(ring, part)
        coords, k = shapely.get_coordinates(inter, return_index=True)
        kind = np.zeros(len(k), np.int8)
        ends = np.concatenate([shapely.get_point(part, 0), shapely.get_point(part, -1)])
        end_pair = np.r_[np.arange(len(part)), np.arange(len(part))]
        close = shapely.distance(ring[end_pair], ends) <= ALONG_TOLERANCE
        coords = np.vstack([coords, shapely.get_coordinates(ends[close])])
        k = np.r_[k, end_pair[close]]
        kind = np.r_[kind, np.ones(close.sum(), np.int8)]
        key = pd.DataFrame({"k": k, "x": np.round(coords[:, 0], 2), "y": np.round(coords[:, 1], 2)})
        first = ~key.duplicated().to_numpy()
        coords, k, kind = coords[first], k[first], kind[first]
        line = part[k]
        along = shapely.line_locate_point(line, shapely.points(coords))
        length = shapely.length(line)
        # Crossings along each (ward, part) pair, to know where the road leaves the ward again.
        crossing_along = pd.DataFrame({"k": k[kind == 0], "a": along[kind == 0]}).sort_values(["k", "a"])
        # Each seed looked at in both directions along the road.
        s = np.r_[np.arange(len(k)), np.arange(len(k))]
        direction = np.r_[np.ones(len(k)), -np.ones(len(k))]
        a0, ln, pair = along[s], length[s], k[s]
        room = np.where(direction > 0, ln - a0, a0)
        poly_s = polys[wi[pair]]
        step_pt = _walk(line[s], a0, direction, np.minimum(SIDE_STEP, room))
        viable = (room > SIDE_STEP / 2) & shapely.contains(poly_s, step_pt)
        # How far the road stays in the ward: up to the next crossing of the same
        # (ward, part) pair in the walking direction, else the end of the part.
        limit = room.copy()
        ca_k, ca_a = crossing_along["k"].to_numpy(), crossing_along["a"].to_numpy()
        big = float(length.max()) + 10.0 if len(length) else 1.0
        flat = ca_k * big + ca_a  # sorted: pairs apart by more than any along
        lo = np.searchsorted(ca_k, pair, "left")
        hi = np.searchsorted(ca_k, pair, "right")
        eps = 1e-3
        nxt = np.searchsorted(flat, pair * big + a0 + eps, "left")
        ok = (direction > 0) & (nxt < hi)
        limit[ok] = np.minimum(limit[ok], ca_a[nxt[ok]] - a0[ok])
        prv = np.searchsorted(flat, pair * big + a0 - eps, "left") - 1
        ok = (direction < 0) & (prv >= lo)
        limit[ok] = np.minimum(limit[ok], a0[ok] - ca_a[prv[ok]])
        rows = np.flatnonzero(viable)
        offset = np.full(len(s), np.nan)
        clearance = np.full(len(s), np.nan)
        todo = rows
        tried = _offsets(policy.inset)
        for j, off in enumerate(tried):
            todo = todo[off <= limit[todo]]
            if todo.size == 0:
                break
            pts = _walk(line[s[todo]], a0[todo], direction[todo], off)
            dist = shapely.distance(ring[pair[todo]], pts)
            ok = dist >= policy.boundary_clearance
            hit = todo[ok]
            if j and off - tried[j - 1] > STEP and hit.size:  # refine back to STEP after a far step
                hit_off, hit_dist = np.full(hit.size, off), dist[ok]
                for back in np.arange(tried[j - 1] + STEP, off, STEP)[::-1]:
                    pts = _walk(line[s[hit]], a0[hit], direction[hit], back)
                    d = shapely.distance(ring[pair[hit]], pts)
                    better = d >= policy.boundary_clearance
                    hit_off[better], hit_dist[better] = back, d[better]
                offset[hit], clearance[hit] = hit_off, hit_dist
            else:
                offset[hit], clearance[hit] = off, dist[ok]
            todo = todo[~ok]
        found = np.flatnonzero(~np.isnan(offset))
        # The entry point: the seed, or for a road that first ran along the boundary,
        # the last point within tolerance of the boundary before the candidate (the junction).
        entry_off = np.zeros(len(s))
        far = found[offset[found] > policy.inset]
        if far.size:
            entry_off[far] = self._junction(line[s[far]], a0[far], direction[far], ring[pair[far]], offset[far])
        seed_xy = coords[s]
        moved = entry_off > 0
        entry_xy = seed_xy.copy()
        if moved.any():  # the boundary point next to the junction
            r = ring[pair[moved]]
            at = _walk(line[s[moved]], a0[moved], direction[moved], entry_off[moved])
            entry_xy[moved] = shapely.get_coordinates(
                shapely.line_interpolate_point(r, shapely.line_locate_point(r, at)))
        # Only the rows that walk into the ward matter from here on.
        keep = rows
        s, a0, direction, pair, limit = s[keep], a0[keep], direction[keep], pair[keep], limit[keep]
        offset, clearance, seed_xy, entry_xy = offset[keep], clearance[keep], seed_xy[keep], entry_xy[keep]
        road_index = self.part_road[pj[pair]]
        names = self.names[road_index]
        road_key = pd.factorize(np.where(names != "", names, road_index.astype(str)))[0]
        ward_local = wi[pair]
        keys = ward_local.astype(np.int64) * (int(road_key.max()) + 1 if len(road_key) else 1) + road_key
        # Merge every seed (valid or not) of one road in one ward within merge_distance.
        group = _merge_groups(entry_xy, keys, policy.merge_distance)
        table = pd.DataFrame({
            "group": group, "valid": ~np.isnan(offset), "weight": self.weight[road_index],
            "x": entry_xy[:, 0], "y": entry_xy[:, 1], "sx": np.round(seed_xy[:, 0], 2),
            "sy": np.round(seed_xy[:, 1], 2)})
        crossings = table.drop_duplicates(["group", "sx", "sy"]).groupby("group").size()
        table = table[table["valid"]]
        if table.empty:
            return _empty_entries()
        table = table.sort_values(["group", "weight", "x", "y"], ascending=[True, False, True, True])
        rep = table[~table["group"].duplicated()].index.to_numpy()
        cand = _walk(line[s[rep]], a0[rep], direction[rep], offset[rep])
        out = pd.DataFrame({
            "ward_code": codes[ward_local[rep]], "road": names[rep], "road_class": self.road_class[road_index[rep]],
            "weight": self.weight[road_index[rep]], "road_index": road_index[rep].astype(np.int64),
            "crossings": crossings.loc[group[rep]].to_numpy().astype(np.int64), "candidate": cand,
            "clearance": clearance[rep], "part": line[s[rep]], "along": a0[rep], "direction": direction[rep],
            "limit": limit[rep], "x": entry_xy[rep, 0], "y": entry_xy[rep, 1]})
        out = out.sort_values(["ward_code", "weight", "x", "y"], ascending=[True, False, True, True])
        k_in_ward = out.groupby("ward_code").cumcount() + 1
        out["entry_id"] = out["ward_code"] + "-E" + k_in_ward.astype(str)
        geometry = shapely.points(out[["x", "y"]].to_numpy(dtype=float))
        return gpd.GeoDataFrame(out[ENTRY_COLUMNS[:-1]].reset_index(drop=True), geometry=geometry, crs=RD_NEW)


_NETWORKS = FrameCache()


def road_network(roads: gpd.GeoDataFrame | None, policy: Policy, *, class_map: dict | None = None,
                 class_column: str = "highway") -> RoadNetwork:
    """The :class:`RoadNetwork` of ``roads`` under ``policy``, built once and reused.

    Cached while the roads frame lives (same object, same policy, same class options).
    """
    if roads is None:
        return RoadNetwork(None, policy)
    options = (repr(policy), repr(sorted((class_map or {}).items())), class_column, len(roads))
    return _NETWORKS.get(roads, options, lambda: RoadNetwork(roads, policy, class_map=class_map,
                                                                    class_column=class_column))


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
        ``merge_distance``, ``inset`` and ``boundary_clearance``.
    class_map, class_column
        See :func:`classify_roads` (for NWB-style classes).

    Returns
    -------
    GeoDataFrame (RD New), one row per entry: ``entry_id`` (``"<ward>-E<k>"``,
    k = 1 for the most important), ``ward_code``, ``road`` (name),
    ``road_class``, ``weight``, ``road_index`` (positional index into
    ``roads``), ``crossings`` (merged crossing count), ``candidate`` (the
    position for a sign, a Point), ``clearance`` (its distance to the ward
    boundary, metres), ``part``/``along``/``direction``/``limit`` (the road
    line, the entry's position on it, the way into the ward and how far the
    road stays in the ward) and geometry (the Point on the ward boundary).
    """
    if roads is None or len(roads) == 0 or len(wards) == 0:
        return _empty_entries()
    return road_network(roads, policy, class_map=class_map, class_column=class_column).entries(wards)


def road_candidates(entries: gpd.GeoDataFrame, policy: Policy, steps=(1, 2, 3)) -> gpd.GeoDataFrame:
    """More positions per entry along its road: its candidate, then ``k * policy.inset`` further.

    Used for relocation, where a sign may move a little further along the
    same road. Every position keeps ``boundary_clearance`` from the ward's
    boundary and stays on the road's stretch inside the ward. Returns a
    GeoDataFrame with ``entry_id``, ``step`` and Point geometry.
    """
    if entries.empty:
        return gpd.GeoDataFrame({"entry_id": [], "step": []}, geometry=[], crs=RD_NEW)
    frames = [gpd.GeoDataFrame({"entry_id": entries["entry_id"].to_numpy(), "step": 0},
                               geometry=entries["candidate"].to_numpy(), crs=RD_NEW)]
    part = entries["part"].to_numpy()
    along = entries["along"].to_numpy(float)
    direction = entries["direction"].to_numpy(float)
    limit = entries["limit"].to_numpy(float)
    first = shapely.line_locate_point(part, entries["candidate"].to_numpy()) - along
    first = np.abs(first)
    for step in steps:
        off = first + step * policy.inset
        ok = off <= limit
        pts = _walk(part[ok], along[ok], direction[ok], off[ok])
        frames.append(gpd.GeoDataFrame({"entry_id": entries["entry_id"].to_numpy()[ok], "step": step},
                                       geometry=pts, crs=RD_NEW))
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=RD_NEW)


def no_entry_reason(ward_code: str, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None,
                    policy: Policy, *, class_map: dict | None = None,
                    class_column: str = "highway") -> str:
    """Why a ward has no entries, in Dutch (for a ``needs_review`` answer)."""
    row = wards[wards["code"].astype(str) == str(ward_code)]
    name = row["name"].iloc[0] if len(row) else ward_code
    tail = " Er wordt geen plek verzonnen; een medewerker bepaalt met de beheerder waar de borden komen."
    if len(row) and is_water(row)[0]:
        return f"Wijk {name} is water; daar komen geen borden.{tail}"
    if roads is None or len(roads) == 0:
        return f"Er zijn geen weggegevens geladen, dus de invalswegen van wijk {name} zijn onbekend.{tail}"
    network = road_network(roads, policy, class_map=class_map, class_column=class_column)
    near = network.near(row.geometry.values[0])
    if near.size == 0:
        return f"In of langs wijk {name} liggen geen wegen.{tail}"
    if (network.weight[near] == 0).all():
        labels = sorted({f"{n or UNNAMED_ROAD} ({road_class_nl(c)})"
                         for n, c in zip(network.names[near], network.road_class[near])})
        return (f"Wijk {name} heeft alleen wegen die volgens het beleid geen invalsweg zijn: "
                f"{', '.join(labels)}.{tail}")
    return (f"Geen openbare weg komt wijk {name} binnen tot {policy.boundary_clearance:.0f} m van de grens "
            f"(wegen liggen er alleen in of langs de grens).{tail}")
