"""Entry roads (*invalswegen*): where a public street comes into a ward.

The model (see ``shared/domain.md``, "The placement model"):

* the roads are first read into a **street network** (:func:`build_streets`):
  OpenStreetMap splits a street into many short ways; the ways of one street
  (same name, or for unnamed ways the same class) are joined wherever exactly
  two meet (degree-2 nodes contracted, as osmnx simplifies a graph), and at
  a junction with a same-named side branch the two lines that go on most
  nearly straight stay one street. So how the ways are split, the direction
  they are drawn in and the order of the rows never change an answer;
* an **entry** of ward *W* is a place where a street of a counted class
  (``policy.class_weights``) comes from *W*'s boundary into *W* and reaches
  ``policy.boundary_clearance`` metres (measured to the boundary) inside *W*
  before it leaves *W* again. Streets are two-way, so a street from ward A
  into ward B is an entry of B and, seen from the other direction, of A; a
  street from outside the municipality into a ward is an entry of that ward;
* a street **along the boundary** (CBS boundaries often follow street centre
  lines: the street zig-zags across the boundary within a few decimetres) is
  no entry of either ward; a street that leaves it into a ward is an entry of
  that ward, at the junction. Seeds are the crossings of a street with the
  boundary (a stretch lying exactly on it: its two ends) and street ends
  within :data:`ALONG_TOLERANCE` of it; from a seed the street is followed
  into the ward (a closed street round its loop), and a seed whose street
  turns back across the boundary before it is ``boundary_clearance`` inside
  gives nothing;
* crossings of one street (same name, or the same unnamed line) closer
  than ``policy.merge_distance`` are one entry (a dual carriageway, a street
  zig-zagging along the boundary); the class and weight of an entry are
  those of the way where it enters;
* its **candidate** positions lie on the street: the first at least
  ``policy.inset`` metres along the street from the entry and at least
  ``policy.boundary_clearance`` metres from the ward's boundary (its
  ``clearance`` is that distance, measured), then every
  :func:`candidate_step` further along while the street stays in the ward,
  within ``policy.cover_radius`` of the entry and ``boundary_clearance``
  from the boundary. An entry whose street has no such spot in the ward is
  still an entry (another sign may cover it), without candidates.

:class:`RoadNetwork` classifies the roads and builds the street network and
its spatial indexes once; its :meth:`RoadNetwork.entries` answers for any set
of wards at once (one STRtree query, array operations from there) and caches
per ward, so the entries of one ward cost the same in a municipality or in
the country.
"""

from __future__ import annotations

from types import SimpleNamespace

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
CANDIDATE_STEP = 25.0  # metres between candidate positions along an entering street
MAX_MORE_CANDIDATES = 8  # ... and at most this many beyond its first spot (a larger cover radius: wider steps)
BACK_STEP = 2.0         # metres between samples when looking back for the junction
CHUNK_WARDS = 2000      # wards whose entries are computed in one vectorized pass (bounds the memory)


def candidate_step(policy: Policy) -> float:
    """Metres between candidate positions along an entering street (:data:`CANDIDATE_STEP`, wider
    for a large cover radius so a street has at most :data:`MAX_MORE_CANDIDATES` more)."""
    return max(CANDIDATE_STEP, float(policy.cover_radius) / MAX_MORE_CANDIDATES)


def _offsets(inset: float) -> np.ndarray:
    """Tried distances along the road: every STEP for 50 m, then every FAR_STEP up to MAX_WALK."""
    return np.r_[inset + np.arange(0.0, 50.0, STEP), inset + np.arange(50.0, MAX_WALK + FAR_STEP, FAR_STEP)]
ENTRY_COLUMNS = ["entry_id", "ward_code", "road", "road_class", "weight", "road_index",
                 "crossings", "candidate", "candidates", "clearance", "part", "along", "direction", "limit",
                 "geometry"]
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


def street_keys(names: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Which street each way belongs to: its name, or for an unnamed way its class."""
    names = np.asarray(names, dtype=object).astype(str)
    classes = np.asarray(classes, dtype=object).astype(str)
    return np.where(names != "", np.char.add("n:", names), np.char.add("c:", classes)).astype(object)


def build_streets(ways: np.ndarray, way_road: np.ndarray, way_key: np.ndarray, weight: np.ndarray,
                  road_class: np.ndarray):
    """The street network: the ways of one street (same key, see :func:`street_keys`) joined
    wherever exactly two of them meet (degree-2 nodes contracted, as osmnx simplifies a graph);
    junctions of three or more ways of the street, and the street's ends, stay nodes.

    OSM splits a street into many short ways (at every junction with another street, bridge,
    speed or surface change); joined, the street is judged as a whole, whatever way it is split
    into, in whatever direction the ways were drawn and in whatever order the rows come.

    Returns ``(lines, key, road, closed)``: the joined lines, their street key, a
    representative road (positional index into the roads: the most important way of the
    street, then the first) and whether the line is a closed loop.
    """
    empty = np.zeros(0, dtype=object)
    if len(ways) == 0:
        return empty, empty, np.zeros(0, dtype=np.int64), np.zeros(0, bool)
    keys, group = np.unique(way_key.astype(str), return_inverse=True)
    order = np.argsort(group, kind="stable")
    multi = shapely.multilinestrings(ways[order], indices=group[order])
    merged = shapely.line_merge(multi)
    lines, g = shapely.get_parts(merged, return_index=True)
    keep = ~shapely.is_empty(lines) & (shapely.length(lines) > 0)
    lines, g = _through_junctions(lines[keep], g[keep])
    # A representative road per street (name, best class); the class at a spot comes from its way.
    rank = np.lexsort((way_road, road_class[way_road].astype(str), -weight[way_road], group))
    first = rank[np.r_[True, group[rank][1:] != group[rank][:-1]]]
    rep = np.zeros(len(keys), dtype=np.int64)
    rep[group[first]] = way_road[first]
    start, end = shapely.get_point(lines, 0), shapely.get_point(lines, -1)
    closed = shapely.equals_exact(start, end, tolerance=1e-9) & (shapely.get_num_coordinates(lines) > 3)
    return lines, keys[g].astype(object), rep[g], np.asarray(closed, bool)


JUNCTION_SHIFT = 0.001  # metres: a side branch let go of a junction of its own street


def _through_junctions(lines: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where three or more lines of one street meet (a same-named side branch, a fork), the two
    that go on most nearly straight are joined into one line, so a walk along the street goes
    through; the other branches end there (their end is moved :data:`JUNCTION_SHIFT` away).
    Decided by the geometry alone (angles), never by the order of the rows."""
    if len(lines) < 3:
        return lines, group
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    n = len(lines)
    count = np.bincount(idx, minlength=n)
    first = np.r_[0, np.cumsum(count)[:-1]]
    last = first + count - 1
    end_pos, next_pos = np.r_[first, last], np.r_[first + 1, last - 1]
    line_of = np.r_[np.arange(n), np.arange(n)]
    closed = (coords[first] == coords[last]).all(axis=1)
    ends = pd.DataFrame({"g": group[line_of], "x": coords[end_pos, 0], "y": coords[end_pos, 1]})
    node = ends.groupby(["g", "x", "y"], sort=True).ngroup().to_numpy()
    size = np.bincount(node)
    at_junction = (size[node] >= 3) & ~closed[line_of]
    if not at_junction.any():
        return lines, group
    d = coords[next_pos] - coords[end_pos]
    d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-12)[:, None]
    angle = np.arctan2(d[:, 1], d[:, 0])
    coords = coords.copy()
    rows = np.flatnonzero(at_junction)
    rows = rows[np.lexsort((angle[rows], node[rows]))]
    for members in np.split(rows, np.flatnonzero(np.diff(node[rows])) + 1):
        dot = d[members] @ d[members].T
        np.fill_diagonal(dot, np.inf)
        i, j = np.unravel_index(np.argmin(dot), dot.shape)
        through = {i, j} if dot[i, j] < 0 else set()
        for m, e in enumerate(members):
            if m not in through:  # let go of the junction, a millimetre along its own line
                coords[end_pos[e]] = coords[end_pos[e]] + JUNCTION_SHIFT * d[e]
    moved = shapely.linestrings(coords, indices=idx)
    order = np.argsort(group, kind="stable")
    keys, inverse = np.unique(group[order], return_inverse=True)
    merged = shapely.line_merge(shapely.multilinestrings(moved[order], indices=inverse))
    out, k = shapely.get_parts(merged, return_index=True)
    return out, keys[k]


def _three_turns(loops: np.ndarray) -> np.ndarray:
    """Each closed street line walked three times round (so a walk from the middle turn has a whole
    turn of room either way, wherever the loop's first point happens to lie)."""
    coords, idx = shapely.get_coordinates(loops, return_index=True)
    head = np.r_[True, idx[1:] != idx[:-1]]
    rest, rest_idx = coords[~head], idx[~head]
    allc = np.vstack([coords, rest, rest])
    alli = np.r_[idx, rest_idx, rest_idx]
    order = np.argsort(alli, kind="stable")
    return shapely.linestrings(allc[order], indices=alli[order])


def is_water(wards: gpd.GeoDataFrame) -> np.ndarray:
    """Per ward: is it a water area (``water`` = ``JA``)?"""
    if "water" not in wards.columns:
        return np.zeros(len(wards), dtype=bool)
    return wards["water"].fillna("").astype(str).str.strip().str.lower().isin(WATER_VALUES).to_numpy()


def _empty_entries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS[:-1]},
                            geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)


def entry_arrays(entries: gpd.GeoDataFrame) -> dict:
    """Entries (one ward's) as plain arrays: ``entry_id``, ``road``, ``road_class``, ``weight``,
    ``xy`` (entry points), and their candidates: ``cand_xy`` (every position along the entering
    streets), ``cand_clear`` (its distance to the ward boundary) and ``cand_entry`` (the entry
    each belongs to, a row of the entry arrays)."""
    e = {k: entries[k].to_numpy() for k in ("entry_id", "road", "road_class", "clearance")}
    e["weight"] = entries["weight"].to_numpy(float)
    e["xy"] = shapely.get_coordinates(entries.geometry.values).reshape(-1, 2)
    cxyz, cidx = shapely.get_coordinates(entries["candidates"].to_numpy(), include_z=True, return_index=True)
    cxyz = cxyz.reshape(-1, 3)
    e["cand_xy"], e["cand_clear"], e["cand_entry"] = cxyz[:, :2].copy(), cxyz[:, 2].copy(), cidx.astype(np.int64)
    return e


def _select(arrays: dict, idx: np.ndarray) -> dict:
    """The entry arrays of the entries ``idx`` (with their candidates, renumbered)."""
    out = {k: v[idx] for k, v in arrays.items() if k not in ("cand_xy", "cand_clear", "cand_entry")}
    start = np.searchsorted(arrays["cand_entry"], idx, "left")
    count = np.searchsorted(arrays["cand_entry"], idx, "right") - start
    total = int(count.sum())
    offsets = np.repeat(start - np.r_[0, np.cumsum(count)[:-1]], count) + np.arange(total)
    out["cand_xy"] = arrays["cand_xy"][offsets].reshape(-1, 2)
    out["cand_clear"] = arrays["cand_clear"][offsets]
    out["cand_entry"] = np.repeat(np.arange(len(idx)), count)
    return out


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


def _crossings(rings: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each line meets its ring (aligned arrays): the points where it crosses or touches,
    and where a stretch that runs exactly on the ring begins and ends (not every vertex of that
    stretch, which would depend on how the line was split). Returns ``(xy, pair index)``."""
    pieces, pk = shapely.get_parts(shapely.intersection(rings, lines), return_index=True)
    tid = shapely.get_type_id(pieces)
    point, stretch = tid == 0, (tid == 1) | (tid == 2)
    xy, k = [shapely.get_coordinates(pieces[point]).reshape(-1, 2)], [pk[point]]
    if stretch.any():
        lk = pk[stretch]
        order = np.argsort(lk, kind="stable")
        pairs, group = np.unique(lk[order], return_inverse=True)
        joined = shapely.line_merge(shapely.multilinestrings(pieces[stretch][order], indices=group))
        runs, ri = shapely.get_parts(joined, return_index=True)
        xy.append(shapely.get_coordinates(np.r_[shapely.get_point(runs, 0), shapely.get_point(runs, -1)]).reshape(-1, 2))
        k.append(pairs[np.r_[ri, ri]])
    return np.vstack(xy), np.concatenate(k).astype(np.int64)


def _first_clear(w, todo: np.ndarray, tried: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of the walk ``w`` (see :meth:`RoadNetwork._walk_in`): the first tried distance along the
    street (within the ward) that lies ``boundary_clearance`` from the boundary, and that clearance
    (NaN: none)."""
    s, limit, line, a0, direction, ring, pair = w.s, w.limit, w.line, w.a0, w.direction, w.ring, w.pair
    offset, clearance = np.full(len(s), np.nan), np.full(len(s), np.nan)
    for j, off in enumerate(tried):
        todo = todo[off <= limit[todo]]
        if todo.size == 0:
            break
        pts = _walk(line[s[todo]], a0[todo], direction[todo], off)
        dist = shapely.distance(ring[pair[todo]], pts)
        ok = dist >= w.clearance
        hit = todo[ok]
        if j and off - tried[j - 1] > STEP and hit.size:  # refine back to STEP after a far step
            hit_off, hit_dist = np.full(hit.size, off), dist[ok]
            for back in np.arange(tried[j - 1] + STEP, off, STEP)[::-1]:
                pts = _walk(line[s[hit]], a0[hit], direction[hit], back)
                d = shapely.distance(ring[pair[hit]], pts)
                better = d >= w.clearance
                hit_off[better], hit_dist[better] = back, d[better]
            offset[hit], clearance[hit] = hit_off, hit_dist
        else:
            offset[hit], clearance[hit] = off, dist[ok]
        todo = todo[~ok]
    return offset, clearance


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
        # The ways as OSM splits them (for the class at a spot), and the streets they form.
        self.way_parts, self.way_road = parts[keep], self.counted[idx[keep]]
        self.way_key = street_keys(self.names[self.way_road], self.road_class[self.way_road])
        self.parts, self.part_key, self.part_road, self.part_closed = build_streets(
            self.way_parts, self.way_road, self.way_key, self.weight, self.road_class)
        self.part_loop = np.full(len(self.parts), None, dtype=object)
        if self.part_closed.any():
            self.part_loop[self.part_closed] = _three_turns(self.parts[self.part_closed])

    @property
    def empty(self) -> bool:
        return len(self.geoms) == 0

    def _tree(self, kind: str) -> shapely.STRtree:
        if kind not in self._trees:
            geoms = {"parts": self.parts, "all": self.geoms, "counted": self.geoms[self.counted],
                     "ways": self.way_parts}[kind]
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
        return _select(self._arrays[block], idx)

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
        # One take per block (wards in the order asked), not one per ward.
        block_of = np.concatenate([np.full(len(i), b) for b, i in parts])
        rows = np.concatenate([i for _, i in parts])
        blocks = list(dict.fromkeys(b for b, _ in parts))
        if len(blocks) == 1:
            out = self._blocks[blocks[0]].iloc[rows]
        else:
            taken = pd.concat([self._blocks[b].iloc[rows[block_of == b]] for b in blocks])
            order = np.concatenate([np.flatnonzero(block_of == b) for b in blocks])
            out = taken.iloc[np.argsort(order, kind="stable")]
        return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=RD_NEW)

    def prepare(self, wards: gpd.GeoDataFrame, codes) -> None:
        """Compute the entries of the wards ``codes`` (those not yet known) in one vectorized pass."""
        wanted = dict.fromkeys(map(str, codes))
        self._fill(wards, [c for c in wanted if c not in self._where])

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

    def _way_at(self, xy: np.ndarray, key: np.ndarray, fallback: np.ndarray) -> np.ndarray:
        """Per point on a street: the way (positional road index) it lies on, of the street ``key``;
        at a node between ways the most important one (then its class name, then the first)."""
        out = fallback.copy()
        if len(xy) == 0:
            return out
        pi, wj = self._tree("ways").query(shapely.points(xy), predicate="dwithin", distance=0.05)
        ok = self.way_key[wj] == key[pi]
        pi, road = pi[ok], self.way_road[wj[ok]]
        if pi.size:
            order = np.lexsort((road, self.road_class[road].astype(str), -self.weight[road], pi))
            first = order[np.r_[True, pi[order][1:] != pi[order][:-1]]]
            out[pi[first]] = road[first]
        return out

    def _compute(self, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Entries of ``wards``, vectorized over all of them (see the module docstring)."""
        sd = self._seeds(wards)
        if sd is None:
            return _empty_entries()
        return self._entry_frame(sd, self._walk_in(sd))

    def _seeds(self, wards: gpd.GeoDataFrame):
        """Where streets meet the boundaries of ``wards`` (crossings, and street ends on a boundary),
        each on its street (loops walked on three turns); None when there are none. Step 1 of
        :meth:`_compute`."""
        policy = self.policy
        land = np.flatnonzero(~is_water(wards))
        if self.parts.size == 0 or land.size == 0:
            return None
        polys = np.asarray(wards.geometry.values, dtype=object)[land]
        codes = wards["code"].astype(str).to_numpy()[land]
        bnd = shapely.boundary(polys)
        shapely.prepare(polys)
        wi, pj = self._tree("parts").query(bnd, predicate="dwithin", distance=ALONG_TOLERANCE)
        if wi.size == 0:
            return None
        part, ring, closed = self.parts[pj], bnd[wi], self.part_closed[pj]
        # Seeds: crossings with the boundary, and street ends lying on (within tolerance of) it.
        coords, k = _crossings(ring, part)
        kind = np.zeros(len(k), np.int8)
        ends = np.concatenate([shapely.get_point(part, 0), shapely.get_point(part, -1)])
        end_pair = np.r_[np.arange(len(part)), np.arange(len(part))]
        close = (shapely.distance(ring[end_pair], ends) <= ALONG_TOLERANCE) & ~closed[end_pair]
        coords = np.vstack([coords, shapely.get_coordinates(ends[close])])
        k = np.r_[k, end_pair[close]]
        kind = np.r_[kind, np.ones(close.sum(), np.int8)]
        key = pd.DataFrame({"k": k, "x": np.round(coords[:, 0], 2), "y": np.round(coords[:, 1], 2)})
        first = ~key.duplicated().to_numpy()
        coords, k, kind = coords[first], k[first], kind[first]
        line = part[k]
        along = shapely.line_locate_point(line, shapely.points(coords))
        length = shapely.length(line)
        # A closed street (a loop) is walked on three turns of it, from the middle one.
        loop = closed[k]
        turn = np.where(loop, length, 0.0)
        if loop.any():
            line = line.copy()
            line[loop] = self.part_loop[pj[k[loop]]]
            along, length = along + turn, np.where(loop, 3 * length, length)
        # Crossings along each (ward, street) pair, to know where the street leaves the ward again.
        c = kind == 0
        lp = loop[c]
        crossing_along = pd.DataFrame({
            "k": np.r_[k[c], k[c][lp], k[c][lp]],
            "a": np.r_[along[c], along[c][lp] - turn[c][lp], along[c][lp] + turn[c][lp]]}).sort_values(["k", "a"])
        return SimpleNamespace(policy=policy, polys=polys, codes=codes, wi=wi, pj=pj, ring=ring, closed=closed,
                               coords=coords, k=k, kind=kind, line=line, along=along, length=length,
                               crossing_along=crossing_along)

    def _walk_in(self, sd):
        """From every seed, both ways along its street: does it get ``boundary_clearance`` inside the
        ward before it leaves again (an entry), where is the first spot for a sign, where does the
        street enter. Step 2 of :meth:`_compute`."""
        policy, polys, wi, ring, coords, k, line, along, length, crossing_along = (
            sd.policy, sd.polys, sd.wi, sd.ring, sd.coords, sd.k, sd.line, sd.along, sd.length, sd.crossing_along)
        # Each seed looked at in both directions along the street.
        s = np.r_[np.arange(len(k)), np.arange(len(k))]
        direction = np.r_[np.ones(len(k)), -np.ones(len(k))]
        a0, ln, pair = along[s], length[s], k[s]
        room = np.where(direction > 0, ln - a0, a0)
        poly_s = polys[wi[pair]]
        step_pt = _walk(line[s], a0, direction, np.minimum(SIDE_STEP, room))
        viable = (room > SIDE_STEP / 2) & shapely.contains(poly_s, step_pt)
        # How far the street stays in the ward: up to the next crossing of the same
        # (ward, street) pair in the walking direction, else the end of the street.
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

        walk = SimpleNamespace(s=s, limit=limit, line=line, a0=a0, direction=direction, ring=ring, pair=pair,
                               clearance=policy.boundary_clearance)

        # An entry: the street gets boundary_clearance inside before it leaves the ward again.
        reach, reach_clear = _first_clear(walk, rows, np.r_[np.arange(0.0, policy.inset, STEP), _offsets(policy.inset)])
        valid = ~np.isnan(reach)
        # Its sign: at least `inset` along the street and boundary_clearance from the boundary
        # (an entry whose street has no such spot in the ward has no candidate of its own).
        offset = np.where(reach >= policy.inset, reach, np.nan)
        clearance = np.where(reach >= policy.inset, reach_clear, np.nan)
        short = np.flatnonzero(valid & (reach < policy.inset))
        if short.size:
            more, more_clear = _first_clear(walk, short, _offsets(policy.inset))
            offset[short], clearance[short] = more[short], more_clear[short]
        found = np.flatnonzero(valid)
        # The entry point: the seed, or for a street that first ran along the boundary,
        # the last point within tolerance of the boundary before it got inside (the junction).
        entry_off = np.zeros(len(s))
        far = found[reach[found] > policy.inset]
        if far.size:
            entry_off[far] = self._junction(line[s[far]], a0[far], direction[far], ring[pair[far]], reach[far])
        seed_xy = coords[s]
        moved = entry_off > 0
        entry_xy, road_xy = seed_xy.copy(), seed_xy.copy()
        if moved.any():  # the boundary point next to the junction
            r = ring[pair[moved]]
            at = _walk(line[s[moved]], a0[moved], direction[moved], entry_off[moved])
            road_xy[moved] = shapely.get_coordinates(at)
            entry_xy[moved] = shapely.get_coordinates(
                shapely.line_interpolate_point(r, shapely.line_locate_point(r, at)))
        return SimpleNamespace(rows=rows, s=s, a0=a0, direction=direction, pair=pair, limit=limit,
                               offset=offset, clearance=clearance, seed_xy=seed_xy, entry_xy=entry_xy,
                               valid=valid, road_xy=road_xy)

    def _entry_frame(self, sd, wk) -> gpd.GeoDataFrame:
        """The entries: the seeds of one street in one ward merged, the best of each group kept, with
        the candidates along the street. Step 3 of :meth:`_compute`."""
        policy, codes, wi, pj, ring, line = sd.policy, sd.codes, sd.wi, sd.pj, sd.ring, sd.line
        rows, s, a0, direction, pair, limit = wk.rows, wk.s, wk.a0, wk.direction, wk.pair, wk.limit
        offset, clearance, seed_xy, entry_xy = wk.offset, wk.clearance, wk.seed_xy, wk.entry_xy
        valid, road_xy = wk.valid, wk.road_xy
        # Only the rows that walk into the ward matter from here on.
        keep = rows
        s, a0, direction, pair, limit = s[keep], a0[keep], direction[keep], pair[keep], limit[keep]
        offset, clearance, seed_xy, entry_xy = offset[keep], clearance[keep], seed_xy[keep], entry_xy[keep]
        valid, road_xy = valid[keep], road_xy[keep]
        street = pj[pair]
        street_key = self.part_key[street]
        # The class where the street enters: that of the way (as OSM split it) at that spot.
        road_index = self._way_at(road_xy, street_key, self.part_road[street])
        names = self.names[road_index]
        road_key = pd.factorize(np.where(names != "", street_key, "p" + street.astype(str)))[0]
        ward_local = wi[pair]
        keys = ward_local.astype(np.int64) * (int(road_key.max()) + 1 if len(road_key) else 1) + road_key
        # Merge every seed (valid or not) of one street in one ward within merge_distance.
        group = _merge_groups(entry_xy, keys, policy.merge_distance)
        has_cand = ~np.isnan(offset)
        cand_pt = np.full(len(s), None, dtype=object)
        if has_cand.any():
            cand_pt[has_cand] = _walk(line[s[has_cand]], a0[has_cand], direction[has_cand], offset[has_cand])
        cand_xy = np.full((len(s), 2), np.inf)
        cand_xy[has_cand] = shapely.get_coordinates(cand_pt[has_cand]).reshape(-1, 2)
        table = pd.DataFrame({
            "group": group, "valid": valid, "weight": self.weight[road_index], "nocand": ~has_cand,
            "x": entry_xy[:, 0], "y": entry_xy[:, 1], "cx": cand_xy[:, 0], "cy": cand_xy[:, 1],
            "sx": np.round(seed_xy[:, 0], 2), "sy": np.round(seed_xy[:, 1], 2)})
        crossings = table.drop_duplicates(["group", "sx", "sy"]).groupby("group").size()
        table = table[table["valid"]]
        if table.empty:
            return _empty_entries()
        table = table.sort_values(["group", "weight", "nocand", "x", "y", "cx", "cy"],
                                  ascending=[True, False, True, True, True, True, True])
        rep = table[~table["group"].duplicated()].index.to_numpy()
        out = pd.DataFrame({
            "ward_code": codes[ward_local[rep]], "road": names[rep], "road_class": self.road_class[road_index[rep]],
            "weight": self.weight[road_index[rep]], "road_index": road_index[rep].astype(np.int64),
            "crossings": crossings.loc[group[rep]].to_numpy().astype(np.int64), "candidate": cand_pt[rep],
            "candidates": self._along(line[s[rep]], a0[rep], direction[rep], offset[rep], limit[rep],
                                      entry_xy[rep], ring[pair[rep]]),
            "clearance": clearance[rep], "part": line[s[rep]], "along": a0[rep], "direction": direction[rep],
            "limit": limit[rep], "x": entry_xy[rep, 0], "y": entry_xy[rep, 1],
            "cx": cand_xy[rep, 0], "cy": cand_xy[rep, 1]})
        out = out.sort_values(["ward_code", "weight", "x", "y", "road", "cx", "cy"],
                              ascending=[True, False, True, True, True, True, True])
        k_in_ward = out.groupby("ward_code").cumcount() + 1
        out["entry_id"] = out["ward_code"] + "-E" + k_in_ward.astype(str)
        geometry = shapely.points(out[["x", "y"]].to_numpy(dtype=float))
        return gpd.GeoDataFrame(out[ENTRY_COLUMNS[:-1]].reset_index(drop=True), geometry=geometry, crs=RD_NEW)

    def _along(self, lines, a0, direction, offset, limit, entry_xy, rings) -> np.ndarray:
        """Per entry: every candidate position along its street (a MultiPoint, None when it has
        none): its first spot, then every :func:`candidate_step` further on while the street stays
        in the ward, within ``cover_radius`` of the entry and ``boundary_clearance`` from the boundary."""
        policy = self.policy
        out = np.full(len(lines), None, dtype=object)
        has = np.flatnonzero(~np.isnan(offset))
        if has.size == 0:
            return out
        step = candidate_step(policy)
        n_more = int(np.ceil(policy.cover_radius / step))
        grid = np.arange(0, n_more + 1) * step
        row = np.repeat(has, len(grid))
        off = offset[row] + np.tile(grid, has.size)
        ok = off <= limit[row] + 1e-9
        row, off = row[ok], off[ok]
        pts = _walk(lines[row], a0[row], direction[row], off)
        xy = shapely.get_coordinates(pts).reshape(-1, 2)
        near = np.hypot(*(xy - entry_xy[row]).T) <= policy.cover_radius
        clearance = shapely.distance(rings[row], pts)
        first = off == offset[row]  # the entry's own first spot is always a candidate
        ok = first | (near & (clearance >= policy.boundary_clearance))
        # z: the candidate's measured distance to the ward boundary (its clearance)
        return shapely.multipoints(np.c_[xy[ok], clearance[ok]], indices=row[ok], out=out)


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
    ``roads``: the way where the street enters), ``crossings`` (merged
    crossing count), ``candidate`` (the first position for a sign, a Point;
    None when the entry has no spot of its own), ``candidates`` (every
    candidate position along the street, a MultiPoint whose z is each one's
    distance to the ward boundary; None likewise), ``clearance`` (the first
    candidate's distance to the ward boundary, metres),
    ``part``/``along``/``direction``/``limit`` (the street line, the entry's
    position on it, the way into the ward and how far the street stays in
    the ward) and geometry (the Point on the ward boundary).
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
    entries = entries[entries["candidate"].notna()]  # an entry without a spot of its own has none further on
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
    if roads is None:
        return f"Er zijn geen weggegevens geladen, dus de invalswegen van wijk {name} zijn onbekend.{tail}"
    if len(roads) == 0:
        return f"In of langs wijk {name} liggen geen wegen (ook niet in de geladen weggegevens).{tail}"
    network = road_network(roads, policy, class_map=class_map, class_column=class_column)
    poly = row.geometry.values[0]
    near = network.near(poly.buffer(ALONG_TOLERANCE))
    if near.size == 0:
        return f"In of langs wijk {name} liggen geen wegen (ook niet in de geladen weggegevens).{tail}"
    if (network.weight[near] == 0).all():
        labels = sorted({f"{n or UNNAMED_ROAD} ({road_class_nl(c)})"
                         for n, c in zip(network.names[near], network.road_class[near])})
        return (f"Wijk {name} heeft alleen wegen die volgens het beleid geen invalsweg zijn: "
                f"{', '.join(labels)}.{tail}")
    near = near[network.weight[near] > 0]
    geoms = network.geoms[near]
    band = shapely.boundary(poly).buffer(ALONG_TOLERANCE)
    core = poly.buffer(-ALONG_TOLERANCE)
    along = shapely.length(shapely.intersection(geoms, band)) >= 4 * ALONG_TOLERANCE  # more than a crossing
    touches = shapely.intersects(geoms, band)
    inside = shapely.intersects(geoms, core)

    def label(mask) -> str:
        names = sorted({f"{n or UNNAMED_ROAD} ({road_class_nl(c)})"
                        for n, c in zip(network.names[near[mask]], network.road_class[near[mask]])})
        return ", ".join(names)

    said = [f"Geen weg komt wijk {name} verder binnen dan {policy.boundary_clearance:.0f} m van de grens."]
    if along.any():
        said.append(f"Langs de grens lopen: {label(along)}; een weg langs de grens is geen invalsweg.")
    if (inside & touches & ~along).any():
        said.append(f"De grens over, maar niet {policy.boundary_clearance:.0f} m de wijk in: "
                    f"{label(inside & touches & ~along)}.")
    if (inside & ~touches).any():
        said.append(f"In de wijk, zonder aansluiting op de grens: {label(inside & ~touches)}.")
    if not (along | inside).any():
        said.append(f"Alleen buiten de wijk, tot aan de grens: {label(~inside)}.")
    return " ".join(said) + tail
