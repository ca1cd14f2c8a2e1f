"""Which ward, how many signs, and the decision on each request.

Everything geometric here is vectorized over all inputs at once: one spatial
index per layer, queried with arrays. The decision loop itself walks the
requests in date order because each approval changes the coverage that later
requests see (so two admins of one ward cannot get two sets of signs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .cache import FrameCache
from .geo import to_lonlat
from .policy import Policy

OUTCOMES = ("approved", "rejected", "needs_review")
STATUS_NL = {"placed": "geplaatst", "planned": "gepland"}
STREET_SEARCH_RADIUS = 60.0
BOUNDARY_TOLERANCE = 0.5  # metres: a point this close to a ward lies in it (see in_ward)


# ----------------------------------------------------------------- wards


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
        from .errors import InputError
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
    """
    index = ward_index(wards)
    pi, wi = index.pairs(signs.geometry.values)
    out = signs.iloc[pi].copy()
    out["ward_code"] = index.codes[wi]
    out["ward_name"] = index.names[wi]
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
    streets = _text_column(signs, "street").copy()
    missing = streets == ""
    if missing.any():
        streets[missing] = nearest_street(signs.geometry.values[missing], roads)
    return streets


def is_counted(status, policy: Policy) -> np.ndarray:
    """THE meaning of "counted sign": its status is one the policy counts as coverage."""
    return np.isin(np.asarray(status, dtype=object), list(policy.coverage_statuses))


def counted_signs(signs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, policy: Policy,
                  roads: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Signs that count as coverage under ``policy``, one row per (sign, ward), with street."""
    out = sign_wards(signs, wards)
    out["street"] = sign_streets(out, roads)
    return out[is_counted(out["status"], policy)]


def is_covered(n_counted, policy: Policy):
    """THE meaning of "covered": at least ``min_signs_for_coverage`` counted signs."""
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
        "street": _text_column(signs, "street"), "placed_on": _text_column(signs, "placed_on"),
        "x": signs.geometry.x.round(1).to_numpy(), "y": signs.geometry.y.round(1).to_numpy(),
        "lon": np.round(lon, 7), "lat": np.round(lat, 7), "request_id": _text_column(signs, "request_id"),
    })
    return table.to_dict("records")


def _text_column(df: pd.DataFrame, name: str) -> np.ndarray:
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


# ----------------------------------------------------------------- decisions


@dataclass
class Decision:
    """The answer to one request, with its reason in code and in Dutch.

    ``ward`` is the request's ward (None outside every ward and on a shared
    boundary, where ``boundary_wards`` names the wards it touches).
    """

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
    boundary_wards: list[dict] = field(default_factory=list)
    signs_to_place: int = 0

    def to_dict(self) -> dict:
        """The decision as plain JSON data (its fields already are; a shallow copy)."""
        return dict(self.__dict__)


@dataclass
class ProposalResult:
    """What a proposer returns: positions (may be empty) and why, if empty."""

    proposals: list[dict]
    reason: str = ""
    notes: list[str] = field(default_factory=list)


# proposer(ward_code, preferred_text, ward_signs_xy, max_signs) -> ProposalResult
Proposer = Callable[[str, str, np.ndarray, int], ProposalResult]


@dataclass
class WardState:
    """What a ward holds while requests are decided: its signs (any status, with
    those planned by approvals in this run or earlier) and the approvals whose
    positions are still to be agreed with the admin."""

    signs: list[dict] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)

    def counted(self, policy: Policy) -> list[dict]:
        return [s for s in self.signs if s["status"] in policy.coverage_statuses]


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


def ward_states(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy, *,
                roads: gpd.GeoDataFrame | None = None,
                open_approvals: dict[str, list[str]] | None = None) -> dict[str, WardState]:
    """The :class:`WardState` of every ward that holds signs or open approvals."""
    states: dict[str, WardState] = {}
    if signs is not None and len(signs):
        placed = sign_wards(signs, wards)
        placed["street"] = sign_streets(placed, roads)
        for code, rec in zip(placed["ward_code"].to_numpy(), sign_records(placed)):
            states.setdefault(code, WardState()).signs.append(rec)
    for code, ids in (open_approvals or {}).items():
        states.setdefault(code, WardState()).approvals.extend(ids)
    return states


def decide_requests(requests: gpd.GeoDataFrame, wards: gpd.GeoDataFrame,
                    signs: gpd.GeoDataFrame, groups: pd.DataFrame | None, policy: Policy,
                    *, roads: gpd.GeoDataFrame | None = None,
                    proposer: Proposer | None = None,
                    open_approvals: dict[str, list[str]] | None = None,
                    progress: Callable[[int], None] | None = None,
                    states: dict[str, WardState] | None = None) -> list[Decision]:
    """Decide every request under ``policy``, in date order.

    Requests on the same date keep their order in the input (first come,
    first served): of two requests for one ward on one day, the first one
    listed is approved and the second sees the ward covered by its signs.
    Only requests in the same ward depend on each other; the answer never
    depends on how requests are batched (the signs an earlier run planned
    are in ``signs``, its approvals without positions in ``open_approvals``).

    Rules, in the order they apply:

    1. location outside every ward -> ``rejected`` / ``outside_wards``;
    2. location on a shared boundary (within 0.5 m of two wards, see
       :func:`in_ward`) -> ``needs_review`` / ``on_boundary``, naming both;
    3. ward covered (at least ``min_signs_for_coverage`` counted signs:
       statuses in ``coverage_statuses``, also signs planned by an earlier
       approval, in this run or an earlier one) -> ``rejected`` /
       ``ward_covered``, naming the signs and their streets;
    4. ward with signs planned but not counted by the policy, or with an
       approval whose positions are still to be agreed -> ``rejected`` /
       ``ward_in_progress``, naming that approval (``max_signs`` holds per ward);
    5. group unknown -> ``needs_review`` / ``unknown_group``;
    6. registration required and group not registered with Stichting WABP
       -> ``needs_review`` / ``group_not_registered``;
    7. otherwise ``approved`` / ``ward_not_covered`` for ``max_signs`` minus
       the ward's signs. With a ``proposer`` it supplies the positions (a ward
       where it finds none is ``needs_review`` / ``no_entries``); without,
       the positions are to be agreed with the admin (no position is ever
       taken from the request location, which may be a home).

    Parameters
    ----------
    requests : GeoDataFrame
        From :func:`planner.geo.load_requests` (RD New points).
    wards, signs : GeoDataFrame
        Ward polygons and existing signs (RD New; any status but removed).
    groups : DataFrame or None
        From :func:`planner.geo.load_groups`; None treats every group as unknown.
    policy : Policy
    roads : GeoDataFrame, optional
        Used to name the street of signs that have none.
    proposer : callable, optional
        ``proposer(ward_code, preferred_text, ward_signs_xy, max_signs) -> ProposalResult``
        (see :func:`planner.proposals.make_proposer`).
    open_approvals : dict, optional
        Ward code -> ids of earlier approvals whose positions are still to be agreed.
    progress : callable, optional
        Called with the number of requests decided so far (for a progress bar).
    states : dict, optional
        :func:`ward_states` of ``signs`` and ``open_approvals``, when already
        computed (they are updated as requests are approved).

    Returns
    -------
    list of Decision, in the order the requests were decided.
    """
    order = np.lexsort((np.arange(len(requests)), requests["date"].astype(str).to_numpy()))
    reqs = requests.iloc[order]
    index = ward_index(wards)
    pi, wi = index.pairs(reqs.geometry.values)
    hits: list[list[int]] = [[] for _ in range(len(reqs))]
    for p, w in zip(pi.tolist(), wi.tolist()):
        hits[p].append(w)
    lon, lat = to_lonlat(reqs.geometry)
    xs, ys = shapely.get_x(reqs.geometry.values), shapely.get_y(reqs.geometry.values)
    if states is None:
        states = ward_states(wards, signs, policy, roads=roads, open_approvals=open_approvals)
    known = {} if groups is None else (
        groups.groupby("group_id").agg(name=("group_name", "first"),
                                       registered=("wabp_registered", "max")).to_dict("index")
    )
    preferred = _text_column(reqs, "preferred")
    if proposer is not None and hasattr(proposer, "prepare"):
        # The wards that may need positions: a request there, not covered when the run starts.
        ward_of_request = [hits[i][0] for i in range(len(reqs)) if len(hits[i]) == 1]
        codes = dict.fromkeys(index.codes[w] for w in ward_of_request)
        proposer.prepare([c for c in codes
                          if c not in states or not is_covered(len(states[c].counted(policy)), policy)])
    columns = zip(reqs["request_id"].astype(str), reqs["date"].astype(str), reqs["group_id"].astype(str))
    decisions = []
    for i, (request_id, date, group_id) in enumerate(columns):
        ward_hits = [{"code": index.codes[w], "name": index.names[w]} for w in hits[i]]
        base = dict(request_id=request_id, date=date, group_id=group_id,
                    ward=ward_hits[0] if len(ward_hits) == 1 else None,
                    x=round(float(xs[i]), 1), y=round(float(ys[i]), 1),
                    lon=round(float(lon[i]), 7), lat=round(float(lat[i]), 7))
        state = states.setdefault(base["ward"]["code"], WardState()) if base["ward"] else None
        decision = _decide_one(base, ward_hits, state, preferred[i], known, policy, proposer)
        if decision.outcome == "approved":
            if decision.proposals:
                state.signs.extend(_planned_from(decision))
            else:
                state.approvals.append(decision.request_id)
        decisions.append(decision)
        if progress is not None:
            progress(i + 1)
    return decisions


def _decide_one(base, ward_hits, state: WardState | None, preferred: str, known, policy: Policy,
                proposer) -> Decision:
    if not ward_hits:
        return Decision(**base, outcome="rejected", reason_code="outside_wards",
                        reason="De opgegeven locatie ligt niet in een wijk van de gemeente; "
                               "de aanvraag kan daarom niet worden toegekend.")
    if state is None:
        names = _join_nl([f"{w['name']} ({w['code']})" for w in ward_hits])
        return Decision(**base, outcome="needs_review", reason_code="on_boundary", boundary_wards=ward_hits,
                        reason=f"De opgegeven locatie ligt op de grens van de wijken {names}. Een "
                               "medewerker stelt met de beheerder vast voor welke wijk de aanvraag is.")
    ward = base["ward"]
    counted = state.counted(policy)
    if is_covered(len(counted), policy):
        phrases = _join_nl([_sign_phrase(s) for s in counted])
        return Decision(**base, outcome="rejected", reason_code="ward_covered", signs=list(counted),
                        reason=f"In wijk {ward['name']} hangen al borden: {phrases}. "
                               "Volgens het beleid komen er dan geen borden bij.")
    uncounted = [s for s in state.signs if s["status"] == "planned" and s not in counted]
    if uncounted or state.approvals:
        what = [f"aanvraag {r} is al toegekend; de plekken van de borden worden met de beheerder afgesproken"
                for r in state.approvals]
        if uncounted:
            what.append(f"er {'is' if len(uncounted) == 1 else 'zijn'} al "
                        f"{_join_nl([_sign_phrase(s) for s in uncounted])} gepland")
        return Decision(**base, outcome="rejected", reason_code="ward_in_progress", signs=list(uncounted),
                        reason=f"Voor wijk {ward['name']} loopt al een toekenning: {'; '.join(what)}. "
                               "Er komen geen extra borden bij.")
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
    budget = policy.max_signs - len(state.signs)
    proposals, notes = [], []
    if proposer is not None:
        xy = np.array([[s["x"], s["y"]] for s in state.signs], dtype=float).reshape(-1, 2)
        result = proposer(ward["code"], preferred, xy, budget)
        proposals, notes = result.proposals, result.notes
        if not proposals:
            return Decision(**base, outcome="needs_review", reason_code="no_entries", notes=notes,
                            reason=result.reason or (
                                f"In wijk {ward['name']} zijn geen invalswegen gevonden; een "
                                "medewerker bepaalt met de beheerder waar de borden komen."))
    n = len(proposals) or budget
    signs_word = f"{n} bord{'en' if n != 1 else ''}"
    where = (f"{signs_word} bij de invalswegen in overleg met de beheerder" if proposals else
             f"{signs_word}; de plekken worden in overleg met de beheerder bepaald")
    return Decision(**base, outcome="approved", reason_code="ward_not_covered",
                    proposals=proposals, notes=notes, signs_to_place=n,
                    reason=f"In wijk {ward['name']} hangen nog geen borden. De gemeente plaatst "
                           f"{where}; de gemeente mag de borden later verplaatsen.")


def _planned_from(decision: Decision) -> list[dict]:
    """The signs an approval plans at its proposed positions (status ``planned``)."""
    return [{"id": f"{decision.request_id}-{p.get('rank', k)}", "status": "planned",
             "street": p.get("road", ""), "placed_on": "", "x": p["x"], "y": p["y"],
             "lon": p["lon"], "lat": p["lat"], "request_id": decision.request_id}
            for k, p in enumerate(decision.proposals, start=1)]


def decisions_frame(decisions: list[Decision]) -> pd.DataFrame:
    """Decisions as a flat table (one row per request)."""
    rows = [{"request_id": d.request_id, "date": d.date, "group_id": d.group_id,
             "ward_code": d.ward["code"] if d.ward else None,
             "ward_name": d.ward["name"] if d.ward else None,
             "outcome": d.outcome, "reason_code": d.reason_code, "reason": d.reason,
             "signs": len(d.signs), "proposals": len(d.proposals)} for d in decisions]
    return pd.DataFrame(rows)
