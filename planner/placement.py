"""The decision on each request: approved, rejected or needs review, with the reason.

The ward notions ("in the ward", counted sign, covered) live in
:mod:`planner.wards` and are re-exported here. The decision loop walks the
requests in date order because an approval changes what later requests in
its ward see (so two admins of one ward cannot get two sets of signs); wards
never depend on each other (see :mod:`planner.parallel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .geo import to_lonlat
from .policy import Policy
from .vocabulary import SHARED_POLE_NL, SIGN_STATUS_NL
from .wards import (  # noqa: F401  (the ward notions, re-exported for callers of placement)
    BOUNDARY_TOLERANCE, STREET_SEARCH_RADIUS, WardIndex, assign_wards, check_point, counted_signs, in_ward,
    is_counted, is_covered, nearest_street, sign_records, sign_streets, sign_wards, text_column, ward_index,
    ward_of, ward_status,
)


OUTCOMES = ("approved", "rejected", "needs_review")

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


def sign_phrase(sign: dict) -> str:
    """A sign in a Dutch sentence: ``bord B001 (Zuideinde, geplaatst)``."""
    status = SIGN_STATUS_NL.get(sign["status"], sign["status"])
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
                    states: dict[str, WardState] | None = None, share: bool = True) -> list[Decision]:
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
    share : bool
        Run :func:`share_poles` over the decisions (default); :mod:`planner.parallel`
        runs it once over all processes' decisions instead.

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
    preferred = text_column(reqs, "preferred")
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
    if share and proposer is not None:
        share_poles(decisions, wards, signs, policy, roads=roads)
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
        phrases = _join_nl([sign_phrase(s) for s in counted])
        return Decision(**base, outcome="rejected", reason_code="ward_covered", signs=list(counted),
                        reason=f"In wijk {ward['name']} hangen al borden: {phrases}. "
                               "Volgens het beleid komen er dan geen borden bij.")
    uncounted = [s for s in state.signs if s["status"] == "planned" and s not in counted]
    if uncounted or state.approvals:
        what = [f"aanvraag {r} is al toegekend; de plekken van de borden worden met de beheerder afgesproken"
                for r in state.approvals]
        if uncounted:
            what.append(f"er {'is' if len(uncounted) == 1 else 'zijn'} al "
                        f"{_join_nl([sign_phrase(s) for s in uncounted])} gepland")
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


def share_poles(decisions: list[Decision], wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame | None,
                policy: Policy, *, roads: gpd.GeoDataFrame | None = None) -> list[Decision]:
    """One pole where two wards meet on a street: the later ward uses the earlier ward's pole.

    A deterministic pass in decision order (date, then input order) after the per-ward work,
    so batching, row order and the number of processes never change its answer. A proposed
    position closer than ``min_spacing`` to an earlier pole on the same (named) street in
    another ward (an existing sign of any status, or a position proposed for an earlier
    approval in this run) moves onto that pole: one pole with a sign facing each way. The
    proposal says so (``shared_pole``: the pole's sign id, its ward and the position computed
    for the ward itself; its explanation; a note of the decision), and so do the
    report, the letter and the map. A second proposal of the same approval near that pole is
    dropped (two signs of one ward on one pole would face the same way). So two poles closer
    than ``min_spacing`` on one street never happen, across wards either.

    Changes ``decisions`` in place and returns them.
    """
    todo = [(k, d) for k, d in enumerate(decisions) if d.outcome == "approved" and d.proposals and d.ward]
    if not todo:
        return decisions
    index = ward_index(wards)
    # Every pole: existing signs first (earlier than any decision of this run), then the proposals.
    xy, street, pole_id, ward, order = [], [], [], [], []
    if signs is not None and len(signs):  # only signs near a proposal can be a shared pole
        proposed = shapely.points([(p["x"], p["y"]) for _, d in todo for p in d.proposals])
        near_sign = shapely.STRtree(signs.geometry.values).query(
            proposed, predicate="dwithin", distance=max(policy.min_spacing, 0.0))[1]
        signs = signs.iloc[np.unique(near_sign)]
    if signs is not None and len(signs):
        placed = sign_wards(signs, wards)
        placed_street = sign_streets(placed, roads)
        xy += list(zip(shapely.get_x(placed.geometry.values), shapely.get_y(placed.geometry.values)))
        street += list(placed_street)
        pole_id += list(placed["id"].astype(str))
        ward += list(placed["ward_code"].astype(str))
        order += [-1] * len(placed)
    first_prop = len(xy)
    for k, d in todo:
        for p in d.proposals:
            xy.append((p["x"], p["y"]))
            street.append(p.get("road") or "")
            pole_id.append(f"{d.request_id}-{p.get('rank', 1)}")
            ward.append(d.ward["code"])
            order.append(k)
    xy, street = np.asarray(xy, float), np.asarray(street, dtype=object)
    ward, order = np.asarray(ward, dtype=object), np.asarray(order)
    active = np.ones(len(xy), bool)  # a moved proposal is no pole of its own
    pts = shapely.points(xy)
    tree = shapely.STRtree(pts)
    qi, pj = tree.query(pts[first_prop:], predicate="dwithin", distance=max(policy.min_spacing, 0.0))
    near = pd.DataFrame({"q": qi + first_prop, "p": pj}).groupby("q")["p"].agg(list).to_dict()
    row = first_prop
    for k, d in todo:
        used, kept, notes = set(), [], []
        for prop in d.proposals:
            me, row = row, row + 1
            cand = [j for j in near.get(me, []) if j != me and active[j] and order[j] < k and street[me] != ""
                    and street[j] == street[me] and ward[j] != ward[me]
                    and np.hypot(*(xy[j] - xy[me])) < policy.min_spacing]
            if not cand:
                kept.append(prop)
                continue
            j = min(cand, key=lambda c: (np.hypot(*(xy[c] - xy[me])), order[c], pole_id[c]))
            active[me] = False
            other = index.names[index.position[ward[j]]] if ward[j] in index.position else ward[j]
            if (xy[j][0], xy[j][1]) in used:
                notes.append(f"Bord {prop.get('rank')} ({prop.get('road')}) vervalt: het zou binnen "
                             f"{policy.min_spacing:.0f} m van de paal van bord {pole_id[j]} (wijk {other}) komen, "
                             "waar al een bord van deze wijk hangt.")
                continue
            used.add((xy[j][0], xy[j][1]))
            lon, lat = to_lonlat(gpd.GeoSeries([shapely.Point(*xy[j])], crs=wards.crs))
            text = (f"Gedeelde paal: één paal met een bord naar elke kant; dit bord komt aan de paal van bord "
                    f"{pole_id[j]} in wijk {other}, {np.hypot(*(xy[j] - xy[me])):.0f} m van de berekende plek.")
            prop.update(x=round(float(xy[j][0]), 1), y=round(float(xy[j][1]), 1), lon=round(float(lon[0]), 7),
                        lat=round(float(lat[0]), 7), shared_pole={"sign_id": pole_id[j], "ward": str(ward[j]),
                                         "computed": {"x": prop["x"], "y": prop["y"]}},
                        explanation=f"{prop.get('explanation', '')} {text}".strip())
            notes.append(f"Bord {prop.get('rank')} op {prop.get('road')}: {SHARED_POLE_NL} "
                         f"(paal van bord {pole_id[j]}, wijk {other}).")
            kept.append(prop)
        if len(kept) != len(d.proposals):
            old, new = len(d.proposals), len(kept)
            d.reason = d.reason.replace(f"{old} bord{'en' if old != 1 else ''} bij de invalswegen",
                                        f"{new} bord{'en' if new != 1 else ''} bij de invalswegen", 1)
            d.proposals[:] = kept
            d.signs_to_place = new
        d.notes.extend(notes)
    return decisions


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
