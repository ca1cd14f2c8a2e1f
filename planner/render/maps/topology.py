"""Compact geometry for the web maps: TopoJSON arcs and encoded lines.

Ward polygons tile a municipality (or the country), so almost every border
is shared by two wards. :func:`build_topology` stores each shared border
once, as an *arc* (TopoJSON, https://github.com/topojson/topojson-specification):

1. the rings' vertices are matched exactly (to the millimetre, in RD New);
2. a *junction* is a vertex where the neighbouring vertices differ between
   the rings that pass through it (three wards meet, or a shared border
   turns into an outer one); rings are cut at junctions into arcs, and an
   arc met again (in either direction) is stored once;
3. each arc is simplified once (Douglas-Peucker, ``tolerance`` metres; its
   end points stay, so neighbours stay glued), projected to WGS84 and
   quantized to ``quantum`` degrees (1e-5: about a metre);
4. every arc is written as delta-encoded integers in the *encoded polyline*
   format (https://developers.google.com/maps/documentation/utilities/polylinealgorithm):
   about three characters per coordinate instead of eighteen.

The page decodes the strings back into TopoJSON arcs and hands them to
``topojson-client``. :func:`encode_lines` writes road stretches and points
the same way. :func:`decode` and :func:`ward_rings` turn everything back
into coordinates for tests.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from planner.core.coords import RD_NEW, WGS84

QUANTUM = 1e-5      # degrees per step (about 1.1 m north-south, 0.7 m east-west here)
SNAP = 1e-3         # metres: vertices this close are the same vertex

TO_WGS84 = Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


# ----------------------------------------------------------------- polyline encoding


def _encode_bytes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integers in the encoded polyline format: the bytes and the number of bytes per value."""
    v = np.asarray(values, dtype=np.int64)
    z = np.where(v < 0, ~(v << 1), v << 1).astype(np.uint64)
    groups = np.ones(len(z), dtype=np.int64)
    rest = z >> np.uint64(5)
    while rest.any():
        groups += rest > 0
        rest >>= np.uint64(5)
    out = np.empty(int(groups.sum()), dtype=np.uint8)
    starts = np.cumsum(groups) - groups
    for g in range(int(groups.max()) if len(groups) else 0):
        has = groups > g
        chunk = ((z[has] >> np.uint64(5 * g)) & np.uint64(31)).astype(np.uint8)
        out[starts[has] + g] = chunk + np.where(groups[has] > g + 1, 32, 0).astype(np.uint8) + 63
    return out, groups


def encode_ints(values: np.ndarray) -> str:
    """Integers in the encoded polyline format (zig-zag, 5-bit groups + 63)."""
    return _encode_bytes(values)[0].tobytes().decode("ascii")


def encode_split(values: np.ndarray, bounds: np.ndarray) -> list[str]:
    """Encode ``values`` at once and cut the text at value positions ``bounds`` (0, ..., len)."""
    data, groups = _encode_bytes(values)
    text = data.tobytes().decode("ascii")
    at = np.r_[0, np.cumsum(groups)][np.asarray(bounds)]
    return [text[a:b] for a, b in zip(at[:-1].tolist(), at[1:].tolist())]


def decode_ints(text: str) -> np.ndarray:
    """The integers of :func:`encode_ints` (for tests and checks)."""
    values, shift, acc = [], 0, 0
    for ch in text.encode("ascii"):
        b = ch - 63
        acc |= (b & 31) << shift
        shift += 5
        if b < 32:
            values.append(~(acc >> 1) if acc & 1 else acc >> 1)
            shift, acc = 0, 0
    return np.array(values, dtype=np.int64)


def _encode_deltas(q: np.ndarray) -> str:
    """Quantized points (n, 2) as one string of delta-encoded x, y pairs."""
    d = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return encode_ints(d.reshape(-1))


def decode(text: str, origin=(0, 0)) -> np.ndarray:
    """Quantized points (n, 2) of one encoded line; add ``origin`` for absolute steps."""
    return np.cumsum(decode_ints(text).reshape(-1, 2), axis=0) + np.asarray(origin, dtype=np.int64)


# ----------------------------------------------------------------- transform


class Grid:
    """WGS84 degrees <-> integer steps of ``quantum`` from ``origin`` (lon, lat).

    ``transform`` is the TopoJSON transform (``scale``, ``translate``).
    """

    def __init__(self, origin: tuple[float, float], quantum: float = QUANTUM):
        self.origin = (float(origin[0]), float(origin[1]))
        self.quantum = quantum

    @classmethod
    def for_bounds(cls, xmin: float, ymin: float, quantum: float = QUANTUM) -> "Grid":
        """A grid whose origin is the south-west corner (RD New bounds), rounded to a step."""
        lon, lat = TO_WGS84.transform(xmin, ymin)
        # a little further south-west, so that every projected vertex has a positive step
        return cls((np.floor(lon / quantum - 2000) * quantum, np.floor(lat / quantum - 2000) * quantum),
                   quantum)

    @property
    def transform(self) -> dict:
        return {"scale": [self.quantum, self.quantum], "translate": list(self.origin)}

    def quantize_rd(self, xy: np.ndarray) -> np.ndarray:
        """RD New coordinates (n, 2) -> integer steps (n, 2)."""
        lon, lat = TO_WGS84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([np.round((np.asarray(lon) - self.origin[0]) / self.quantum),
                                np.round((np.asarray(lat) - self.origin[1]) / self.quantum)]).astype(np.int64)

    def lonlat(self, q: np.ndarray) -> np.ndarray:
        """Integer steps (n, 2) -> lon, lat (n, 2)."""
        return np.asarray(q, dtype=np.float64) * self.quantum + np.asarray(self.origin)


# ----------------------------------------------------------------- topology


def _polygon_rings(geoms: np.ndarray):
    """Every ring of every polygon, without copying geometries (shapely's ragged arrays).

    Returns ``coords`` (the vertices, rings closed), ``ring_offsets`` (into
    ``coords``), and per ring its owner geometry and whether it is an
    exterior ring. Collections keep their polygonal parts; missing
    geometries are empty.
    """
    geoms = np.array(geoms, dtype=object)
    missing = shapely.is_missing(geoms)
    geoms[missing] = shapely.Polygon()
    odd = np.flatnonzero(~np.isin(shapely.get_type_id(geoms), (3, 6)))
    for i in odd:
        parts = [p for p in shapely.get_parts(geoms[i]) if shapely.get_type_id(p) in (3, 6)]
        geoms[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    if len(geoms) == 0:
        return np.zeros((0, 2)), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, bool)
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    if kind == shapely.GeometryType.POLYGON:
        ring_off, poly_off = offsets  # one polygon per geometry
        geom_off = np.arange(len(poly_off), dtype=np.int64)
    else:
        ring_off, poly_off, geom_off = offsets
    n_rings, n_polys = len(ring_off) - 1, len(poly_off) - 1
    poly_of_ring = np.repeat(np.arange(n_polys), np.diff(poly_off))
    owner_of_poly = np.repeat(np.arange(len(geom_off) - 1), np.diff(geom_off))
    exterior = np.arange(n_rings) == np.asarray(poly_off)[poly_of_ring]
    return coords, np.asarray(ring_off, dtype=np.int64), owner_of_poly[poly_of_ring], exterior


def build_topology(geoms, grid: Grid, *, tolerance: float = 2.0) -> dict:
    """Polygons (RD New) as a quantized TopoJSON topology with encoded arcs.

    Parameters
    ----------
    geoms : array of shapely Polygon/MultiPolygon (RD New)
        One per ward, in order; empty ones become ``null`` geometries.
    grid : Grid
        Projection and quantization (the topology's ``transform``).
    tolerance : float
        Douglas-Peucker tolerance in metres, applied once per arc.

    Returns
    -------
    dict
        ``{"type": "Topology", "transform": ..., "arcs": [str, ...],
        "objects": {"wards": {"type": "GeometryCollection", "geometries": [...]}}}``;
        each arc is an encoded string (:func:`decode` gives its delta-decoded
        steps), each geometry refers to arcs by index (``~i``: reversed).
    """
    geoms = np.asarray(geoms, dtype=object)
    coords, ring_off, owner, exterior = _polygon_rings(geoms)
    n_rings = len(ring_off) - 1
    # Memory matters at national scale (millions of vertices): int32 where it
    # fits, and every big array is dropped as soon as it has served.
    # 1. vertex identity: the same point (to SNAP) is the same vertex id
    if len(coords):
        lo = np.floor(coords.min(axis=0) / SNAP)
        span = int(np.round(coords[:, 1].max() / SNAP) - lo[1]) + 1
        key = (np.round(coords[:, 0] / SNAP) - lo[0]).astype(np.int64) * span
        key += (np.round(coords[:, 1] / SNAP) - lo[1]).astype(np.int64)
    else:
        lo, span, key = np.zeros(2), 1, np.zeros(0, dtype=np.int64)
    del coords
    # drop each ring's closing vertex
    keep = np.ones(len(key), dtype=bool)
    keep[ring_off[1:][np.diff(ring_off) > 0] - 1] = False
    ring_of = np.repeat(np.arange(n_rings, dtype=np.int32), np.diff(ring_off))[keep]
    uniq_key, pid = np.unique(key[keep], return_inverse=True)
    del key, keep
    pid = pid.reshape(-1).astype(np.int32)
    # a vertex repeated right after itself is one vertex
    dup = np.zeros(len(pid), dtype=bool)
    dup[1:] = (pid[1:] == pid[:-1]) & (ring_of[1:] == ring_of[:-1])
    if dup.any():
        pid, ring_of = pid[~dup], ring_of[~dup]
    del dup
    n = len(pid)
    starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]]) if n else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], n]
    ring_ids = ring_of[starts] if n else np.zeros(0, dtype=np.int32)
    del ring_of
    # 2. junctions: a vertex that some ring passes with other neighbours than its first pass
    junction = _junctions(pid, starts, ends, len(uniq_key))
    points = np.column_stack([uniq_key // span + lo[0], uniq_key % span + lo[1]]) * SNAP
    del uniq_key

    arcs_ids, ring_arcs = _split_rings(pid, starts, ends, ring_ids, junction, n_rings)
    arcs = _simplified_arcs(arcs_ids, points, grid, tolerance)
    geometries = _geometries(len(geoms), ring_arcs, owner, exterior)
    return {"type": "Topology", "transform": grid.transform, "arcs": arcs,
            "objects": {"wards": {"type": "GeometryCollection", "geometries": geometries}}}


def _junctions(pid: np.ndarray, starts: np.ndarray, ends: np.ndarray, m: int) -> np.ndarray:
    """Per vertex id (``m`` of them): is it a junction, a vertex that some ring passes with other
    neighbours than the first ring that passes it?"""
    before = np.empty_like(pid)
    before[1:] = pid[:-1]
    before[starts] = pid[ends - 1]
    after = np.empty_like(pid)
    after[:-1] = pid[1:]
    after[ends - 1] = pid[starts]
    pair = np.minimum(before, after).astype(np.int64) * m + np.maximum(before, after)
    del before, after
    first_pair = np.empty(m, dtype=np.int64)
    first_pair[pid[::-1]] = pair[::-1]
    return np.bincount(pid[pair != first_pair[pid]], minlength=m) > 0


def _split_rings(pid, starts, ends, ring_ids, junction, n_rings) -> tuple[list[np.ndarray], list]:
    """Every ring cut at its junctions into arcs, each arc once (a shared border is one arc, walked
    backwards (``~i``) by its second ring): the arcs' vertex ids and each ring's arc references."""
    arcs_ids: list[np.ndarray] = []
    arc_index: dict[bytes, int] = {}
    ring_arcs: list[list[int] | None] = [None] * n_rings
    for s, e, ring in zip(starts.tolist(), ends.tolist(), ring_ids.tolist()):
        ids = pid[s:e]
        cut = np.flatnonzero(junction[ids])
        refs = []
        if cut.size == 0:  # a ring on its own (an island, or an enclave and its hole)
            k = int(np.argmin(ids))
            ids = np.r_[ids[k:], ids[:k]]
            pieces = [np.r_[ids, ids[:1]]]
        else:
            k = int(cut[0])
            ids = np.r_[ids[k:], ids[:k], ids[k]]
            cut = np.r_[cut - k, len(ids) - 1]
            pieces = [ids[cut[j]:cut[j + 1] + 1] for j in range(len(cut) - 1)]
        for piece in pieces:
            key = piece.tobytes()
            found = arc_index.get(key)
            if found is not None:
                refs.append(found)
                continue
            # a ring without junctions starts at its smallest vertex id, so
            # its reverse (the hole around an enclave) starts there too
            found = arc_index.get(piece[::-1].tobytes())
            if found is not None:
                refs.append(~found)
                continue
            arc_index[key] = len(arcs_ids)
            refs.append(len(arcs_ids))
            arcs_ids.append(piece)
        ring_arcs[ring] = refs
    return arcs_ids, ring_arcs


def _simplified_arcs(arcs_ids: list[np.ndarray], points: np.ndarray, grid: Grid, tolerance: float) -> list[str]:
    if not arcs_ids:
        return []
    lengths = np.array([len(a) for a in arcs_ids])
    flat = np.concatenate(arcs_ids)
    lines = shapely.linestrings(points[flat], indices=np.repeat(np.arange(len(arcs_ids)), lengths))
    if tolerance > 0:
        lines = shapely.simplify(lines, tolerance, preserve_topology=True)
    xy, which = shapely.get_coordinates(lines, return_index=True)
    q = grid.quantize_rd(xy)
    # drop repeated steps inside an arc (its ends always stay)
    same = np.r_[False, (q[1:] == q[:-1]).all(axis=1) & (which[1:] == which[:-1])]
    is_last = np.r_[which[1:] != which[:-1], True]
    keep = ~same | is_last
    q, which = q[keep], which[keep]
    # the steps of each arc, delta-encoded from its first point
    first = np.r_[True, which[1:] != which[:-1]]
    d = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    d[first] = q[first]
    bounds = np.r_[np.flatnonzero(first), len(d)]
    return encode_split(d.reshape(-1), 2 * bounds)


def _geometries(n_geoms: int, ring_arcs, owner, exterior) -> list[dict | None]:
    polys: dict[int, list[list[list[int]]]] = {}
    for refs, g, is_ext in zip(ring_arcs, owner, exterior):
        if refs is None:
            continue
        parts = polys.setdefault(int(g), [])
        if is_ext:
            parts.append([refs])
        else:
            parts[-1].append(refs)
    out: list[dict | None] = []
    for g in range(n_geoms):
        parts = polys.get(g)
        if not parts:
            out.append(None)
        elif len(parts) == 1:
            out.append({"type": "Polygon", "arcs": parts[0]})
        else:
            out.append({"type": "MultiPolygon", "arcs": parts})
    return out


def subset(topology: dict, keep: np.ndarray) -> dict:
    """The topology of the geometries at positions ``keep`` only (arcs renumbered)."""
    geoms = topology["objects"]["wards"]["geometries"]
    chosen = [geoms[int(i)] for i in keep]
    used: dict[int, int] = {}

    def remap(ref: int) -> int:
        i = ~ref if ref < 0 else ref
        if i not in used:
            used[i] = len(used)
        return ~used[i] if ref < 0 else used[i]

    out = []
    for g in chosen:
        if g is None:
            out.append(None)
        elif g["type"] == "Polygon":
            out.append({"type": "Polygon", "arcs": [[remap(r) for r in ring] for ring in g["arcs"]]})
        else:
            out.append({"type": "MultiPolygon",
                        "arcs": [[[remap(r) for r in ring] for ring in poly] for poly in g["arcs"]]})
    arcs = [None] * len(used)
    for old, new in used.items():
        arcs[new] = topology["arcs"][old]
    return {"type": "Topology", "transform": topology["transform"], "arcs": arcs,
            "objects": {"wards": {"type": "GeometryCollection", "geometries": out}}}


def ward_rings(topology: dict, i: int) -> list[list[np.ndarray]]:
    """Geometry ``i`` back as lon/lat rings (a list of polygons, each a list of rings)."""
    t = topology["transform"]
    grid = Grid(tuple(t["translate"]), t["scale"][0])
    arcs = [decode(a) for a in topology["arcs"]]
    g = topology["objects"]["wards"]["geometries"][i]
    if g is None:
        return []
    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            pts = []
            for ref in ring:
                a = arcs[~ref][::-1] if ref < 0 else arcs[ref]
                pts.append(a if not pts else a[1:])
            rings.append(grid.lonlat(np.concatenate(pts)))
        out.append(rings)
    return out


# ----------------------------------------------------------------- lines and points


def encode_lines(geoms, grid: Grid, *, tolerance: float = 0.0) -> list[str]:
    """Lines (RD New) as encoded strings, one per geometry.

    Each part starts with its absolute step, then deltas; the parts of a
    multi-line are joined by a space. Parts shorter than a step are left out.
    """
    geoms = np.asarray(geoms, dtype=object)
    if tolerance > 0:
        geoms = shapely.simplify(geoms, tolerance)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    if len(parts) == 0:
        return ["" for _ in range(len(geoms))]
    xy, which = shapely.get_coordinates(parts, return_index=True)
    q = grid.quantize_rd(xy)
    new_part = np.r_[True, which[1:] != which[:-1]]
    keep = new_part | (q != np.roll(q, 1, axis=0)).any(axis=1)  # drop repeated steps
    q, which, new_part = q[keep], which[keep], new_part[keep]
    d = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    d[new_part] = q[new_part]
    starts = np.flatnonzero(new_part)
    bounds = np.r_[starts, len(d)]
    texts = encode_split(d.reshape(-1), 2 * bounds)
    sizes = np.diff(bounds)
    out: list[list[str]] = [[] for _ in range(len(geoms))]
    for text, part, size in zip(texts, which[starts].tolist(), sizes.tolist()):
        if size >= 2:
            out[owner[part]].append(text)
    return [" ".join(p) for p in out]


def encode_points(xy: np.ndarray, grid: Grid) -> str:
    """Points (RD New, (n, 2)) as one encoded string of delta steps."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if len(xy) == 0:
        return ""
    return _encode_deltas(grid.quantize_rd(xy))


def encode_lonlat_points(lonlat: np.ndarray, grid: Grid) -> str:
    """Points already in WGS84 (n, 2) as one encoded string of delta steps."""
    ll = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
    if len(ll) == 0:
        return ""
    q = np.round((ll - np.asarray(grid.origin)) / grid.quantum).astype(np.int64)
    return _encode_deltas(q)
