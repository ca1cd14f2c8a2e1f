"""Which ward, how many signs, and the decision on each request.

Everything geometric here is vectorized over all inputs at once: one spatial
index per layer, queried with arrays. The decision loop itself walks the
requests in date order because each approval changes the coverage that later
requests see (so two admins of one ward cannot get two sets of signs).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .geo import to_lonlat
from .policy import Policy

OUTCOMES = ("approved", "rejected", "needs_review")
STATUS_NL = {"placed": "geplaatst", "planned": "gepland"}
STREET_SEARCH_RADIUS = 60.0


# ----------------------------------------------------------------- wards


def ward_of(points, wards: gpd.GeoDataFrame) -> np.ndarray:
    """Positional index into ``wards`` of the ward each point lies in (-1: none).

    A point on a shared border lies in several wards; it goes to the one with
    the smallest ``code``, so the answer is deterministic and unique.
    """
    geoms = np.asarray(getattr(points, "values", points), dtype=object)
    result = np.full(len(geoms), -1, dtype=np.int64)
    if len(geoms) == 0 or len(wards) == 0:
        return result
    tree = shapely.STRtree(wards.geometry.values)
    point_idx, ward_idx = tree.query(geoms, predicate="intersects")
    if point_idx.size == 0:
        return result
    code_rank = wards["code"].rank(method="first").to_numpy()[ward_idx]
    order = np.lexsort((code_rank, point_idx))
    point_idx, ward_idx = point_idx[order], ward_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]]
    result[point_idx[first]] = ward_idx[first]
    return result


def assign_wards(gdf: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with ``ward_code`` and ``ward_name`` columns (missing outside)."""
    idx = ward_of(gdf.geometry, wards)
    out = gdf.copy()
    inside = idx >= 0
    codes = np.full(len(out), None, dtype=object)
    names = np.full(len(out), None, dtype=object)
    codes[inside] = wards["code"].to_numpy()[idx[inside]]
    names[inside] = wards["name"].to_numpy()[idx[inside]]
    out["ward_code"] = codes
    out["ward_name"] = names
    return out


def nearest_street(points, roads: gpd.GeoDataFrame | None,
                   max_distance: float = STREET_SEARCH_RADIUS) -> np.ndarray:
    """Name of the nearest named road within ``max_distance`` of each point ("" if none)."""
    geoms = np.asarray(getattr(points, "values", points), dtype=object)
    out = np.full(len(geoms), "", dtype=object)
    if roads is None or roads.empty or "name" not in roads or len(geoms) == 0:
        return out
    names = roads["name"].fillna("").astype(str).str.strip().to_numpy()
    named = names != ""
    if not named.any():
        return out
    tree = shapely.STRtree(roads.geometry.values[named])
    point_idx, road_idx = tree.query_nearest(geoms, max_distance=max_distance, all_matches=False)
    out[point_idx] = names[named][road_idx]
    return out


def sign_streets(signs: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None) -> np.ndarray:
    """The street of each sign: its ``street`` value, else the nearest named road."""
    streets = signs["street"].fillna("").astype(str).to_numpy(dtype=object).copy()
    missing = streets == ""
    if missing.any():
        streets[missing] = nearest_street(signs.geometry.values[missing], roads)
    return streets


def counted_signs(signs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, policy: Policy,
                  roads: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Signs that count as coverage under ``policy``, with their ward and street."""
    out = assign_wards(signs, wards)
    out["street"] = sign_streets(out, roads)
    return out[out["status"].isin(policy.coverage_statuses)]


def ward_status(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy) -> pd.DataFrame:
    """Per ward: ``code``, ``name``, number of counted ``signs`` and ``covered``."""
    counted = counted_signs(signs, wards, policy)
    counts = counted.groupby("ward_code").size()
    table = pd.DataFrame({"code": wards["code"].to_numpy(), "name": wards["name"].to_numpy()})
    table["signs"] = table["code"].map(counts).fillna(0).astype(int)
    table["covered"] = table["signs"] >= policy.min_signs_for_coverage
    return table


def sign_records(signs: gpd.GeoDataFrame) -> list[dict]:
    """Signs as plain dicts with RD and WGS84 coordinates (for JSON)."""
    if signs.empty:
        return []
    lon, lat = to_lonlat(signs.geometry)
    table = pd.DataFrame({
        "id": signs["id"].astype(str).to_numpy(), "status": signs["status"].to_numpy(),
        "street": _text_column(signs, "street"), "placed_on": _text_column(signs, "placed_on"),
        "x": signs.geometry.x.round(1).to_numpy(), "y": signs.geometry.y.round(1).to_numpy(),
        "lon": np.round(lon, 7), "lat": np.round(lat, 7),
    })
    return table.to_dict("records")


def _text_column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df:
        return np.full(len(df), "", dtype=object)
    return df[name].fillna("").astype(str).to_numpy(dtype=object)


def check_point(point, wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy,
                roads: gpd.GeoDataFrame | None = None) -> dict:
    """Is the ward at ``point`` covered? ``{"ward", "covered", "signs"}``."""
    idx = ward_of([point], wards)[0]
    if idx < 0:
        return {"ward": None, "covered": False, "signs": []}
    code = wards["code"].iloc[idx]
    counted = counted_signs(signs, wards, policy, roads)
    mine = counted[counted["ward_code"] == code]
    return {
        "ward": {"code": code, "name": wards["name"].iloc[idx]},
        "covered": bool(len(mine) >= policy.min_signs_for_coverage),
        "signs": sign_records(mine),
    }


# ----------------------------------------------------------------- decisions


@dataclass
class Decision:
    """The answer to one request, with its reason in code and in Dutch."""

    request_id: str
    date: str
    group_id: str
    outcome: str
    reason_code: str
    reason: str
    ward: dict | None
    x: float
    y: float
    lon: float
    lat: float
    signs: list[dict] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ProposalResult:
    """What a proposer returns: positions (may be empty) and why, if empty."""

    proposals: list[dict]
    reason: str = ""
    notes: list[str] = field(default_factory=list)


Proposer = Callable[[str, pd.Series], ProposalResult]


def _sign_phrase(sign: dict) -> str:
    status = STATUS_NL.get(sign["status"], sign["status"])
    if sign.get("request_id"):
        status += f" na aanvraag {sign['request_id']}"
    street = f"{sign['street']}, " if sign.get("street") else ""
    return f"bord {sign['id']} ({street}{status})"


def _join_nl(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def decide_requests(requests: gpd.GeoDataFrame, wards: gpd.GeoDataFrame,
                    signs: gpd.GeoDataFrame, groups: pd.DataFrame | None, policy: Policy,
                    *, roads: gpd.GeoDataFrame | None = None,
                    proposer: Proposer | None = None) -> list[Decision]:
    """Decide every request under ``policy``, in date order.

    Requests on the same date keep their order in the input (first come,
    first served): of two requests for one ward on one day, the first one
    listed is approved and the second sees the ward covered by its signs.

    Rules, in the order they apply:

    1. location outside every ward -> ``rejected`` / ``outside_wards``;
    2. ward already covered (counted signs, including signs planned by an
       earlier approval in this run) -> ``rejected`` / ``ward_covered``,
       naming the signs and their streets;
    3. group unknown -> ``needs_review`` / ``unknown_group``;
    4. registration required and group not registered with Stichting WABP
       -> ``needs_review`` / ``group_not_registered``;
    5. otherwise ``approved`` / ``ward_not_covered``; when a ``proposer``
       is given it supplies the positions, and a ward where it finds none is
       ``needs_review`` / ``no_entries``.

    Parameters
    ----------
    requests : GeoDataFrame
        From :func:`planner.geo.load_requests` (RD New points).
    wards, signs : GeoDataFrame
        Ward polygons and existing signs (RD New).
    groups : DataFrame or None
        From :func:`planner.geo.load_groups`; None treats every group as unknown.
    policy : Policy
    roads : GeoDataFrame, optional
        Used to name the street of signs that have none.
    proposer : callable, optional
        ``proposer(ward_code, request_row) -> ProposalResult``.

    Returns
    -------
    list of Decision, in the order the requests were decided.
    """
    reqs = requests.copy()
    reqs["_order"] = np.arange(len(reqs))
    reqs = reqs.sort_values(["date", "_order"], kind="stable")
    reqs = assign_wards(reqs, wards)
    lon, lat = to_lonlat(reqs.geometry)
    counted = counted_signs(signs, wards, policy, roads)
    by_ward: dict[str, list[dict]] = {
        code: sign_records(grp) for code, grp in counted.groupby("ward_code")
    }
    known = {} if groups is None else (
        groups.groupby("group_id").agg(name=("group_name", "first"),
                                       registered=("wabp_registered", "max")).to_dict("index")
    )
    decisions = []
    for i, (_, req) in enumerate(reqs.iterrows()):
        ward = None if pd.isna(req["ward_code"]) else {"code": req["ward_code"], "name": req["ward_name"]}
        base = dict(request_id=str(req["request_id"]), date=str(req["date"]),
                    group_id=str(req["group_id"]), ward=ward,
                    x=round(float(req.geometry.x), 1), y=round(float(req.geometry.y), 1),
                    lon=round(float(lon[i]), 7), lat=round(float(lat[i]), 7))
        decision = _decide_one(req, base, by_ward, known, policy, proposer)
        if decision.outcome == "approved":
            by_ward.setdefault(req["ward_code"], []).extend(_planned_from(decision, base))
        decisions.append(decision)
    return decisions


def _decide_one(req, base, by_ward, known, policy: Policy, proposer) -> Decision:
    ward = base["ward"]
    if ward is None:
        return Decision(**base, outcome="rejected", reason_code="outside_wards",
                        reason="De opgegeven locatie ligt niet in een wijk van de gemeente; "
                               "de aanvraag kan daarom niet worden toegekend.")
    existing = by_ward.get(ward["code"], [])
    if len(existing) >= policy.min_signs_for_coverage:
        phrases = _join_nl([_sign_phrase(s) for s in existing])
        return Decision(**base, outcome="rejected", reason_code="ward_covered", signs=list(existing),
                        reason=f"In wijk {ward['name']} hangen al borden: {phrases}. "
                               "Volgens het beleid komen er dan geen borden bij.")
    group = known.get(base["group_id"])
    if group is None:
        return Decision(**base, outcome="needs_review", reason_code="unknown_group",
                        reason=f"Groep {base['group_id']} is niet bekend bij de gemeente. Een "
                               "medewerker neemt contact op om de groep en de beheerder te registreren.")
    if policy.registration_required and not group["registered"]:
        return Decision(**base, outcome="needs_review", reason_code="group_not_registered",
                        reason=f"Groep {group['name']} is niet aangemeld bij Stichting "
                               "WhatsApp Buurtpreventie; volgens het beleid is dat vereist. "
                               "Een medewerker beoordeelt de aanvraag.")
    proposals, notes = [], []
    if proposer is not None:
        result = proposer(ward["code"], req)
        proposals, notes = result.proposals, result.notes
        if not proposals:
            return Decision(**base, outcome="needs_review", reason_code="no_entries", notes=notes,
                            reason=result.reason or (
                                f"In wijk {ward['name']} zijn geen invalswegen gevonden; een "
                                "medewerker bepaalt met de beheerder waar de borden komen."))
    n = len(proposals) or policy.max_signs
    where = " bij de invalswegen" if proposals else ""
    return Decision(**base, outcome="approved", reason_code="ward_not_covered",
                    proposals=proposals, notes=notes,
                    reason=f"In wijk {ward['name']} hangen nog geen borden. De gemeente plaatst "
                           f"{n} bord{'en' if n != 1 else ''}{where} in overleg met de beheerder; "
                           "de gemeente mag de borden later verplaatsen.")


def _planned_from(decision: Decision, base: dict) -> list[dict]:
    """Pseudo-signs that an approval plans, so later requests see the ward covered."""
    spots = decision.proposals or [{"x": base["x"], "y": base["y"], "lon": base["lon"],
                                    "lat": base["lat"], "road": ""}]
    return [{"id": f"{decision.request_id}-{k}", "status": "planned", "street": p.get("road", ""),
             "placed_on": "", "x": p["x"], "y": p["y"], "lon": p["lon"], "lat": p["lat"],
             "request_id": decision.request_id}
            for k, p in enumerate(spots, start=1)]


def decisions_frame(decisions: list[Decision]) -> pd.DataFrame:
    """Decisions as a flat table (one row per request)."""
    rows = [{"request_id": d.request_id, "date": d.date, "group_id": d.group_id,
             "ward_code": d.ward["code"] if d.ward else None,
             "ward_name": d.ward["name"] if d.ward else None,
             "outcome": d.outcome, "reason_code": d.reason_code, "reason": d.reason,
             "signs": len(d.signs), "proposals": len(d.proposals)} for d in decisions]
    return pd.DataFrame(rows)
