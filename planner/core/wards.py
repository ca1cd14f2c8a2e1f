"""Wards and what they hold: THE meaning of "in the ward", counted signs, "covered".

One predicate for "this point is in this ward" (:func:`in_ward`, and
:class:`WardIndex` for many points at once), one for "counted sign"
(:func:`is_counted`) and one for "covered" (:func:`is_covered`); decisions,
proposals, relocation, the register and the maps all use these.
Everything here is vectorized: one spatial index per wards frame, built once
(:func:`ward_index`), queried with arrays.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.cache import FrameCache
from planner.core.coords import to_lonlat
from planner.core.policy import Policy

STREET_SEARCH_RADIUS = 25.0  # metres: THE radius of "the street of a point" (street_of)
BOUNDARY_TOLERANCE = 0.5  # metres: a point this close to a ward lies in it (see in_ward)


def in_ward(points, polygons) -> np.ndarray:
    """THE meaning of "this point is in this ward", elementwise.

    A point lies in a ward when it is inside the polygon or within
    :data:`BOUNDARY_TOLERANCE` (0.5 m) of it. A point on (or next to) a
    shared boundary therefore lies in every ward it touches: a sign there
    counts for each of them (no second set of signs right next to it), and
    a request there names both wards and goes to review. Decisions,
    proposals, relocation, the register and the maps all use this
    predicate (directly or through :class:`WardIndex`).
    """
    return shapely.dwithin(polygons, points, BOUNDARY_TOLERANCE)


class WardIndex:
    """Wards with their spatial index, built once per wards frame (see :func:`ward_index`)."""

    def __init__(self, wards: gpd.GeoDataFrame):
        self.geoms = np.asarray(wards.geometry.values, dtype=object)
        self.codes = wards["code"].astype(str).to_numpy(dtype=object)
        self.names = wards["name"].astype(str).to_numpy(dtype=object) if "name" in wards \
            else self.codes.copy()
        self.tree = shapely.STRtree(self.geoms)
        self.rank = pd.Series(self.codes).rank(method="first").to_numpy()
        self.position = {c: i for i, c in enumerate(self.codes)}
        self.n = len(wards)

    def pairs(self, points) -> tuple[np.ndarray, np.ndarray]:
        """Every (point, ward) with the point in the ward (:func:`in_ward`), by point then ward code."""
        geoms = np.asarray(getattr(points, "values", points), dtype=object)
        if len(geoms) == 0 or self.n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pi, wi = self.tree.query(geoms, predicate="dwithin", distance=BOUNDARY_TOLERANCE)
        order = np.lexsort((self.rank[wi], pi))
        return pi[order], wi[order]

    def ward_of(self, points) -> np.ndarray:
        """Per point: the index of its only ward, -1 when in none, -2 when in several."""
        geoms = np.asarray(getattr(points, "values", points), dtype=object)
        result = np.full(len(geoms), -1, dtype=np.int64)
        pi, wi = self.pairs(geoms)
        if pi.size:
            count = np.bincount(pi, minlength=len(geoms))
            first = np.r_[True, pi[1:] != pi[:-1]]
            result[pi[first]] = wi[first]
            result[count > 1] = -2
        return result

    def locate(self, code: str) -> int:
        """Position of ward ``code`` (also ``lm01`` for ``LM01`` when unambiguous); InputError if unknown."""
        from planner.errors import InputError
        code = str(code).strip()
        if code in self.position:
            return self.position[code]
        folded = [i for i, c in enumerate(self.codes) if c.casefold() == code.casefold()]
        if len(folded) == 1:
            return folded[0]
        codes = sorted(self.codes)
        known = ", ".join(codes[:20]) + (", ..." if len(codes) > 20 else "")
        raise InputError(f"wijk {code[:60]!r} bestaat niet in de wijkenlaag (wel: {known})")


_INDEXES = FrameCache()


def ward_index(wards: gpd.GeoDataFrame) -> WardIndex:
    """The :class:`WardIndex` of ``wards``, built once while the frame lives."""
    return _INDEXES.get(wards, len(wards), lambda: WardIndex(wards))


def ward_of(points, wards: gpd.GeoDataFrame) -> np.ndarray:
    """Positional index into ``wards`` of the ward each point lies in.

    -1: in no ward; -2: in several (on a shared boundary, see :func:`in_ward`).
    """
    return ward_index(wards).ward_of(points)


def assign_wards(gdf: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with ``ward_code``/``ward_name`` (its only ward, else missing) and
    ``ward_codes`` (every ward it lies in, ``;``-separated; two on a shared boundary)."""
    index = ward_index(wards)
    idx = index.ward_of(gdf.geometry)
    out = gdf.copy()
    inside = idx >= 0
    codes = np.full(len(out), None, dtype=object)
    names = np.full(len(out), None, dtype=object)
    codes[inside] = index.codes[idx[inside]]
    names[inside] = index.names[idx[inside]]
    out["ward_code"] = codes
    out["ward_name"] = names
    all_codes = np.full(len(out), "", dtype=object)
    several = np.flatnonzero(idx == -2)
    if several.size:
        pi, wi = index.pairs(gdf.geometry.values[several])
        for p, w in zip(pi, wi):
            all_codes[several[p]] = (all_codes[several[p]] + ";" if all_codes[several[p]] else "") + index.codes[w]
    all_codes[inside] = codes[inside]
    out["ward_codes"] = all_codes
    return out


def sign_wards(signs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per (sign, ward it lies in): the signs with ``ward_code`` and ``ward_name``.

    A sign on a shared boundary gets a row for each ward (it counts for each).
    A sign on a shared pole (see :func:`planner.placement.share_poles`) stands
    in the neighbouring ward, facing its own: one recorded (a ``ward_code``
    column, as the register keeps it) for a ward it does not lie in is a sign
    of that recorded ward.
    """
    index = ward_index(wards)
    pi, wi = index.pairs(signs.geometry.values)
    pi, wi = sign_ward_pairs(signs, index, pi, wi)
    out = signs.iloc[pi].copy()
    out["ward_code"] = index.codes[wi]
    out["ward_name"] = index.names[wi]
    return out


def sign_ward_pairs(signs: gpd.GeoDataFrame, index: "WardIndex", pi: np.ndarray, wi: np.ndarray, *,
                    only=None) -> tuple[np.ndarray, np.ndarray]:
    """THE wards of signs: the (sign, ward) pairs ``pi, wi`` where they lie (:meth:`WardIndex.pairs`),
    after the shared-pole rule. A sign recorded (``ward_code``) for a ward it does not lie in
    hangs on the neighbour's pole facing its own ward: it is a sign of the recorded ward only.

    ``only`` (ward positions): the pairs were asked for those wards alone; signs recorded for
    one of them are added wherever they stand. Pairs come back by sign, then ward.
    """
    if "ward_code" not in signs.columns or len(signs) == 0:
        return pi, wi
    rec_pos = pd.Index(index.codes.astype(str)).get_indexer(text_column(signs, "ward_code").astype(str))
    known = np.flatnonzero(rec_pos >= 0)
    if len(known) == 0:
        return pi, wi
    inside = shapely.dwithin(signs.geometry.values[known], index.geoms[rec_pos[known]], BOUNDARY_TOLERANCE)
    elsewhere = np.zeros(len(signs), dtype=bool)
    elsewhere[known[~inside]] = True
    if not elsewhere.any():
        return pi, wi
    keep = ~elsewhere[pi]
    add = np.flatnonzero(elsewhere)
    if only is not None:
        add = add[np.isin(rec_pos[add], np.asarray(only))]
    pi, wi = np.concatenate([pi[keep], add]), np.concatenate([wi[keep], rec_pos[add]])
    order = np.lexsort((wi, pi))
    return pi[order], wi[order]


def nearest_street(points, roads: gpd.GeoDataFrame | None) -> np.ndarray:
    """THE street of a point, elementwise: the name of the nearest named road within
    :data:`STREET_SEARCH_RADIUS` (25 m) of each point ("" if none). A sign without a
    ``street`` (:func:`sign_streets`), a relocated sign and an agreed position all get it here."""
    geoms = np.asarray(getattr(points, "values", points), dtype=object)
    out = np.full(len(geoms), "", dtype=object)
    if roads is None or roads.empty or "name" not in roads or len(geoms) == 0:
        return out
    names = roads["name"].fillna("").astype(str).str.strip().to_numpy()
    named = names != ""
    if not named.any():
        return out
    tree = shapely.STRtree(roads.geometry.values[named])
    point_idx, road_idx = tree.query_nearest(geoms, max_distance=STREET_SEARCH_RADIUS, all_matches=False)
    out[point_idx] = names[named][road_idx]
    return out


def sign_streets(signs: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None) -> np.ndarray:
    """The street of each sign: its ``street`` value, else the nearest named road."""
    streets = text_column(signs, "street").copy()
    missing = streets == ""
    if missing.any():
        streets[missing] = nearest_street(signs.geometry.values[missing], roads)
    return streets


def is_counted(status, policy: Policy) -> np.ndarray:
    """THE meaning of "counted sign": its status is one the policy counts as coverage (elementwise)."""
    if isinstance(status, list) and len(status) < 16:  # a ward's few signs: no array set operation
        return np.array([s in policy.coverage_statuses for s in status], dtype=bool)
    return np.isin(np.asarray(status, dtype=object), list(policy.coverage_statuses))


def counted_signs(signs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, policy: Policy,
                  roads: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Signs that count as coverage under ``policy``, one row per (sign, ward), with street."""
    out = sign_wards(signs, wards)
    out["street"] = sign_streets(out, roads)
    return out[is_counted(out["status"], policy)]


def is_covered(n_counted, policy: Policy):
    """THE meaning of "covered": at least ``min_signs_for_coverage`` counted signs (elementwise)."""
    if isinstance(n_counted, int):  # one ward
        return n_counted >= policy.min_signs_for_coverage
    return np.asarray(n_counted) >= policy.min_signs_for_coverage


def ward_status(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy) -> pd.DataFrame:
    """Per ward: ``code``, ``name``, number of counted ``signs`` and ``covered``."""
    counted = counted_signs(signs, wards, policy)
    counts = counted.groupby("ward_code").size()
    table = pd.DataFrame({"code": wards["code"].to_numpy(), "name": wards["name"].to_numpy()})
    table["signs"] = table["code"].map(counts).fillna(0).astype(int)
    table["covered"] = is_covered(table["signs"], policy)
    return table


def sign_records(signs: gpd.GeoDataFrame) -> list[dict]:
    """Signs as plain dicts with RD and WGS84 coordinates (for JSON)."""
    if signs.empty:
        return []
    lon, lat = to_lonlat(signs.geometry)
    table = pd.DataFrame({
        "id": signs["id"].astype(str).to_numpy(), "status": signs["status"].to_numpy(),
        "street": text_column(signs, "street"), "placed_on": text_column(signs, "placed_on"),
        "x": signs.geometry.x.round(1).to_numpy(), "y": signs.geometry.y.round(1).to_numpy(),
        "lon": np.round(lon, 7), "lat": np.round(lat, 7), "request_id": text_column(signs, "request_id"),
    })
    return table.to_dict("records")


def text_column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A column as text (missing: empty), or empty texts when the column is absent."""
    if name not in df:
        return np.full(len(df), "", dtype=object)
    return df[name].fillna("").astype(str).to_numpy(dtype=object)


def check_point(point, wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy,
                roads: gpd.GeoDataFrame | None = None) -> dict:
    """Is the ward at ``point`` covered? ``{"ward", "covered", "signs"}``.

    On a shared boundary (see :func:`in_ward`) ``ward`` is None,
    ``on_boundary`` is true and ``wards`` lists each ward with its own
    ``covered`` and ``signs``; ``covered`` is then true only when all are.
    """
    index = ward_index(wards)
    _, hits = index.pairs([point])
    counted = counted_signs(signs, wards, policy, roads)
    found = []
    for w in hits:
        mine = counted[counted["ward_code"] == index.codes[w]]
        found.append({"ward": {"code": index.codes[w], "name": index.names[w]},
                      "covered": bool(is_covered(len(mine), policy)), "signs": sign_records(mine)})
    if len(found) == 1:
        return found[0]
    if not found:
        return {"ward": None, "covered": False, "signs": []}
    return {"ward": None, "covered": all(f["covered"] for f in found),
            "signs": [s for f in found for s in f["signs"]], "on_boundary": True, "wards": found}
