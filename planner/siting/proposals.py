"""Where the signs of a ward go: proposals, the admin's wishes, relocation.

Builds on :mod:`planner.siting.entries` (entry roads and candidate positions) and
:mod:`planner.siting.covering` (the exact MCLP/LSCP). Every proposal is a dict::

    {"rank": 1, "x": ..., "y": ... (RD New), "lon": ..., "lat": ...,
     "road": "Dorpsstraat", "road_class": "tertiary", "score": 6.0,
     "entries": ["LM01-E1", ...], "explanation": "...", "source": "planner"}

``score`` is the summed weight of the entries the position covers;
``source`` is ``planner`` or ``wens`` (an admin's valid wish).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from planner.core.coords import parse_wishes, to_rd_xy, xy_to_lonlat
from planner.core.policy import MAX_SIGNS, Policy
from planner.core.vocabulary import UNNAMED_ROAD, road_class_nl
from planner.core.wards import in_ward, ward_index
from planner.errors import InputError
from planner.placement import ProposalResult
from planner.siting.covering import CoverProblem, choose_mclp, solve_lscp
from planner.siting.entries import (
    RoadNetwork,
    entry_arrays,
    no_entry_reason,
    road_network,
)

MIN_MOVE = 5.0  # metres: a relocation must move the sign at least this far
WISH_SOURCE = "voorkeursplek"  # how errors in an admin's wishes name them


@dataclass
class WardProposal:
    """The proposal for one ward (see :func:`propose_positions`)."""

    ward: dict
    proposals: list[dict] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)
    needs_review: bool = False
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    wishes: list[dict] = field(default_factory=list)
    method: str = "mclp"

    def to_dict(self) -> dict:
        return {"ward": self.ward, "method": self.method, "needs_review": self.needs_review,
                "reason": self.reason, "proposals": self.proposals, "entries": self.entries,
                "wishes": self.wishes, "notes": self.notes}


def xy_to_lonlat_arrays(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RD New ``(n, 2)`` coordinates as WGS84 ``lon, lat`` arrays (rounded to 7 decimals)."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    if len(xy) == 0:
        return np.zeros(0), np.zeros(0)
    return xy_to_lonlat(xy[:, 0], xy[:, 1])


def min_distance(xy: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per row of ``xy``: distance to the nearest of ``others`` (inf when there are none)."""
    if len(others) == 0 or len(xy) == 0:
        return np.full(len(xy), np.inf)
    d = xy[:, None, :] - np.asarray(others, float)[None, :, :]
    return np.sqrt((d ** 2).sum(-1)).min(axis=1)


def wish_worth(wish_xy: np.ndarray, poly, network: RoadNetwork, policy: Policy,
               entry_xy: np.ndarray) -> tuple[np.ndarray, list[str], dict]:
    """THE worth of an admin's wishes (RD New ``(n, 2)``) for the ward ``poly``, elementwise.

    A wish is **valid** when it lies in the ward (:func:`planner.placement.in_ward`),
    at least ``boundary_clearance`` from its boundary, within
    ``wish_road_distance`` of a counted road, and covers at least one of the
    ward's entries (``entry_xy``; within ``cover_radius``, as a sign covers
    an entry). Otherwise it is invalid, with the Dutch reason (every problem,
    joined by "en"). ``decide`` (its notes), ``propose --prefer`` and
    ``request show``/``agree`` all judge wishes here (through
    :func:`plan_ward`). Returns ``(valid, reasons, nearest)``, ``nearest``
    being the nearest counted road of each wish (``RoadNetwork.nearest_counted``).
    """
    wish_xy = np.asarray(wish_xy, float).reshape(-1, 2)
    pts = shapely.points(wish_xy) if len(wish_xy) else np.zeros(0, dtype=object)
    near = network.nearest_counted(pts)
    inside = in_ward(pts, poly) if len(wish_xy) else np.zeros(0, bool)
    clear = shapely.distance(shapely.boundary(poly), pts) if len(wish_xy) else np.zeros(0)
    to_entry = min_distance(wish_xy, np.asarray(entry_xy, float).reshape(-1, 2))
    reasons = []
    for k in range(len(wish_xy)):
        problems = []
        if not inside[k]:
            problems.append("ligt niet in de wijk")
        elif clear[k] < policy.boundary_clearance:
            problems.append(f"ligt op {clear[k]:.0f} m van de wijkgrens (minimaal "
                            f"{policy.boundary_clearance:.0f} m, zodat het bord in de goede wijk staat)")
        if near["distance"][k] > policy.wish_road_distance:
            problems.append(f"ligt niet binnen {policy.wish_road_distance:.0f} m van een openbare weg")
        if not to_entry[k] <= policy.cover_radius:
            far = f" (de dichtstbijzijnde ligt op {to_entry[k]:.0f} m)" if np.isfinite(to_entry[k]) else ""
            problems.append(f"dekt geen invalsweg binnen {policy.cover_radius:.0f} m{far}")
        reasons.append(" en ".join(problems))
    return np.array([not r for r in reasons], dtype=bool), reasons, near


def _check_wishes(wish_xy: np.ndarray, poly, network: RoadNetwork, policy: Policy, other_xy: np.ndarray,
                  max_signs: int, entry_xy: np.ndarray) -> tuple[list[bool], list[str], dict]:
    """:func:`wish_worth`, then in order while the budget lasts: spaced from the ward's other signs."""
    worth, reasons, near = wish_worth(wish_xy, poly, network, policy, entry_xy)
    kept_xy, valid = [], []
    for k in range(len(wish_xy)):
        problems = [reasons[k]] if reasons[k] else []
        spacing = min_distance(wish_xy[k:k + 1], np.array(list(other_xy) + kept_xy).reshape(-1, 2))[0]
        if spacing < policy.min_spacing:
            problems.append(f"staat op {spacing:.0f} m van een ander bord (minimaal {policy.min_spacing:.0f} m)")
        if not problems and len(kept_xy) >= max_signs:
            problems.append(f"er komen in deze wijk hooguit {max_signs} borden")
        valid.append(not problems)
        reasons[k] = " en ".join(problems)
        if not problems:
            kept_xy.append(tuple(wish_xy[k]))
    return valid, reasons, near


def propose_positions(ward_code: str, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None,
                      policy: Policy, *, max_signs: int | None = None, cover_all: bool = False,
                      wishes=(), signs=None, entries: gpd.GeoDataFrame | None = None) -> WardProposal:
    """Propose sign positions for one ward (exact MCLP, or LSCP with ``cover_all``).

    Only this ward's entries are computed (the road network and its index
    are built once per roads frame and reused, see
    :func:`planner.entries.road_network`), so one call costs the same in a
    municipality or in the whole country.

    Parameters
    ----------
    ward_code : str
    wards, roads : GeoDataFrame
        RD New layers; ``roads`` may be None (then: no entries, needs review).
    policy : Policy
        ``max_signs``, ``class_weights``, ``inset``, ``boundary_clearance``,
        ``cover_radius``, ``min_spacing``, ``wish_road_distance``.
    max_signs : int, optional
        Overrides ``policy.max_signs``.
    cover_all : bool
        Set covering: every entry gets a sign, fewest signs (may exceed
        ``max_signs``; a note says so).
    wishes : sequence of (lon, lat) or str
        The admin's preferred positions (``"lon lat; lon lat"``). Valid
        wishes are kept; invalid ones are explained with the best alternative.
    signs : GeoDataFrame or array of (x, y), optional
        Existing signs (any status). Those in this ward (see
        :func:`planner.placement.in_ward`) keep candidates within
        ``min_spacing`` free; signs of other wards do not matter.
    entries : GeoDataFrame, optional
        Precomputed :func:`planner.entries.find_entries` (this ward's rows are used).

    Returns
    -------
    WardProposal
    """
    index = ward_index(wards)
    pos = index.locate(ward_code)
    poly = index.geoms[pos]
    budget = policy.max_signs if max_signs is None else int(max_signs)
    if budget < 0:
        raise InputError("⟨max_signs⟩ moet 0 of meer zijn")
    if budget > MAX_SIGNS:
        raise InputError(f"⟨max_signs⟩ mag hoogstens {MAX_SIGNS} zijn (borden per wijk; kreeg {budget})")
    network = road_network(roads, policy)
    code = index.codes[pos]
    mine = network.ward_entries(wards, code) if entries is None else entries[entries["ward_code"] == code]
    other_xy = _sign_xy(signs)
    if len(other_xy):
        other_xy = other_xy[in_ward(shapely.points(other_xy), poly)]
    if isinstance(wishes, str):
        wishes = parse_wishes(wishes, WISH_SOURCE)
    return plan_ward(code, index.names[pos], poly, mine, network, policy, budget=budget, cover_all=cover_all,
                     wishes=wishes, signs_xy=other_xy, wards=wards)


def _cover_every_entry(result: WardProposal, problem: CoverProblem, cover: np.ndarray, e: dict, other_xy,
                       policy: Policy, budget: int, name: str):
    """The LSCP choice (every entry covered), or None with ``result`` sent to review when it cannot be."""
    entry_xy, cxy = e["xy"], problem.xy
    # Entries that no free position can serve but one of the ward's signs already covers need no new sign.
    served = min_distance(entry_xy, other_xy) <= policy.cover_radius
    drop = ~cover.any(axis=0) & served
    if drop.any():
        result.notes.append("Al gedekt door een bestaand bord: " + ", ".join(e["entry_id"][drop]) + ".")
    lscp = CoverProblem(cover[:, ~drop], problem.entry_weight[~drop], problem.road_weight, cxy,
                        policy.min_spacing, fixed=problem.fixed)
    chosen = solve_lscp(lscp)
    if chosen is None:
        lost = e["entry_id"][~drop][~cover[:, ~drop].any(axis=0)]
        why_not = (f"invalsweg {', '.join(lost)} kan geen bord krijgen (te dicht bij een ander bord)" if len(lost)
                   else f"dat gaat niet met {policy.min_spacing:.0f} m tussen de borden")
        result.needs_review = True
        result.reason = (f"Niet elke invalsweg van wijk {name} kan een bord krijgen: {why_not}; "
                         "een medewerker beoordeelt de plaatsing.")
        result.entries = _entry_records(e, np.zeros(len(entry_xy), bool))
        return None
    if len(chosen) > budget:
        result.notes.append(f"Om elke invalsweg te dekken zijn {len(chosen)} borden nodig; "
                            f"het beleid staat er {budget} toe.")
    return chosen


def plan_ward(code: str, name: str, poly, mine, network: RoadNetwork, policy: Policy, *,
              budget: int, cover_all: bool = False, wishes=(), signs_xy=None, wards=None,
              solve=choose_mclp) -> WardProposal:
    """The proposal for one ward from its entries and its own signs (see :func:`propose_positions`).

    ``mine`` is the ward's entries (a frame, or :func:`planner.entries.entry_arrays`);
    ``solve(problem, budget)`` answers the MCLP (default :func:`planner.choice.choose_mclp`).
    """
    result = WardProposal(ward={"code": code, "name": name}, method="lscp" if cover_all else "mclp")
    if len(mine["entry_id"]) == 0:
        result.needs_review = True
        result.reason = no_entry_reason(code, wards, network.roads, policy)
        return result
    other_xy = np.zeros((0, 2)) if signs_xy is None else np.asarray(signs_xy, float).reshape(-1, 2)
    e = mine if isinstance(mine, dict) else entry_arrays(mine)
    entry_xy, cand_xy = e["xy"], e["cand_xy"]
    if len(other_xy):
        n_own = len(other_xy)
        result.notes.append(f"In wijk {name} {'staat' if n_own == 1 else 'staan'} al {n_own} "
                            f"bord{'en' if n_own != 1 else ''}; "
                            f"plekken binnen {policy.min_spacing:.0f} m daarvan vallen af.")
    own_entry = e["cand_entry"]
    free = np.flatnonzero(min_distance(cand_xy, other_xy) >= policy.min_spacing)
    cand_clear = e["cand_clear"][free]
    wish_xy = np.column_stack(to_rd_xy(*np.array(wishes, float).T)) if len(wishes) else np.zeros((0, 2))
    valid, why, near = _check_wishes(wish_xy, poly, network, policy, other_xy, budget, entry_xy)
    kept = np.flatnonzero(valid)
    wish_clear = shapely.distance(shapely.boundary(poly), shapely.points(wish_xy[kept])) if kept.size else []
    by_entry = own_entry[free]
    if kept.size:
        cat = np.concatenate
        cand = {"xy": np.vstack([wish_xy[kept], cand_xy[free]]).reshape(-1, 2),
                "road": cat([near["road"][kept], e["road"][by_entry]]),
                "road_class": cat([near["road_class"][kept], e["road_class"][by_entry]]),
                "weight": cat([near["weight"][kept], e["weight"][by_entry]]).astype(float),
                "clearance": cat([wish_clear, cand_clear]).astype(float),
                "own": cat([np.full(kept.size, -1), by_entry]),
                "wish": cat([np.ones(kept.size, bool), np.zeros(free.size, bool)])}
    else:  # the usual case: no wishes
        cand = {"xy": cand_xy[free], "road": e["road"][by_entry], "road_class": e["road_class"][by_entry],
                "weight": e["weight"][by_entry], "clearance": np.asarray(cand_clear, float), "own": by_entry,
                "wish": np.zeros(free.size, bool)}
    if len(cand["xy"]) == 0:
        result.needs_review = True
        result.reason = no_spot_reason(name, e, other_xy, policy)
        result.entries = _entry_records(e, np.zeros(len(entry_xy), bool))
        return result
    cxy = cand["xy"]
    dist = np.sqrt(((cxy[:, None, :] - entry_xy[None, :, :]) ** 2).sum(-1))
    cover = dist <= policy.cover_radius
    own = cand["own"]
    cover[np.flatnonzero(own >= 0), own[own >= 0]] = True
    problem = CoverProblem(cover, e["weight"].astype(float), cand["weight"], cxy, policy.min_spacing,
                           fixed=cand["wish"])
    if cover_all:
        chosen = _cover_every_entry(result, problem, cover, e, other_xy, policy, budget, name)
        if chosen is None:
            return result
    else:
        chosen = solve(problem, budget)
    result.proposals = _proposal_records(cand, chosen, cover[chosen], e, policy)
    result.entries = _entry_records(e, cover[chosen].any(axis=0))
    result.wishes = _wish_records(wishes, wish_xy, valid, why, result.proposals)
    result.notes += [w["explanation"] for w in result.wishes]
    if not result.proposals:
        result.needs_review = True
        result.reason = (f"Met hooguit 0 borden komt er in wijk {name} geen bord." if budget == 0 else
                         f"Voor wijk {name} is geen geldige plek gevonden (max. {budget} borden).")
    return result


def no_spot_reason(name: str, e: dict, other_xy: np.ndarray, policy: Policy) -> str:
    """Why a ward with entries has no valid spot for a sign (Dutch, for a ``needs_review`` answer)."""
    streets = ", ".join(sorted({f"{r or UNNAMED_ROAD} ({road_class_nl(c)})" for r, c in zip(e["road"], e["road_class"])}))
    review = " Een medewerker bepaalt met de beheerder waar de borden komen."
    if len(e["cand_xy"]) == 0:
        return (f"Wijk {name} heeft invalswegen ({streets}), maar daar is geen plek voor een bord: "
                f"de weg ligt in de wijk nergens zowel {policy.inset:.0f} m langs de weg van de grens als "
                f"{policy.boundary_clearance:.0f} m van de wijkgrens (te kort, of de weg komt weer bij de grens).{review}")
    signs = "het bestaande bord" if len(other_xy) == 1 else f"de {len(other_xy)} bestaande borden"
    return (f"Alle plekken bij de invalswegen van wijk {name} ({streets}) liggen binnen "
            f"{policy.min_spacing:.0f} m van {signs} van de wijk.{review}")


def _sign_xy(signs) -> np.ndarray:
    if signs is None:
        return np.zeros((0, 2))
    if isinstance(signs, gpd.GeoDataFrame | gpd.GeoSeries):
        geoms = signs.geometry.values if isinstance(signs, gpd.GeoDataFrame) else signs.values
        return shapely.get_coordinates(geoms)
    return np.asarray(signs, float).reshape(-1, 2)


def _proposal_records(cand: dict, chosen: np.ndarray, cover: np.ndarray, e: dict, policy: Policy) -> list[dict]:
    """The chosen candidates as proposal dicts, ranked (wishes first, then score, road weight, x, y)."""
    xy = cand["xy"][chosen]
    lon, lat = xy_to_lonlat_arrays(xy)
    recs = []
    for k, c in enumerate(chosen):
        covered = e["entry_id"][cover[k]].tolist()
        road_name, road_class = cand["road"][c], cand["road_class"][c]
        road = road_name or UNNAMED_ROAD
        count = f"{len(covered)} invalsweg{'en' if len(covered) != 1 else ''}"
        inside = f"{cand['clearance'][c]:.0f} m van de wijkgrens"
        if cand["wish"][c]:
            what = f"Gewenste plek van de beheerder: {road} ({road_class_nl(road_class)}), {inside}; geldig"
        else:
            what = f"{road} ({road_class_nl(road_class)}), {inside}"
        score = round(float(e["weight"][cover[k]].astype(float).sum()), 3)
        recs.append({"rank": 0, "x": round(float(xy[k, 0]), 1), "y": round(float(xy[k, 1]), 1),
                     "lon": round(float(lon[k]), 7), "lat": round(float(lat[k]), 7),
                     "road": road_name, "road_class": road_class, "score": score, "entries": covered,
                     "clearance": round(float(cand["clearance"][c]), 1),
                     "explanation": f"{what}; " + (
                         f"dekt {count} binnen {policy.cover_radius:.0f} m: {', '.join(covered)}." if covered
                         else f"dekt geen invalsweg binnen {policy.cover_radius:.0f} m (de andere borden "
                              "dekken ze, of de wens ligt verder weg)."),
                     "source": "wens" if cand["wish"][c] else "planner", "_w": float(cand["weight"][c])})
    recs.sort(key=lambda r: (r["source"] != "wens", -r["score"], -r["_w"], r["x"], r["y"]))
    for rank, r in enumerate(recs, start=1):
        r["rank"] = rank
        r["explanation"] = f"Bord {rank}: {r['explanation']} Score {r['score']:g}."
        del r["_w"]
    return recs


def _entry_records(e: dict, covered: np.ndarray) -> list[dict]:
    lon, lat = xy_to_lonlat_arrays(e["xy"])
    return [{"entry_id": i, "road": r, "road_class": c, "weight": float(w), "x": round(float(p[0]), 1),
             "y": round(float(p[1]), 1), "lon": round(float(lo), 7), "lat": round(float(la), 7),
             "covered": bool(cv)}
            for i, r, c, w, p, lo, la, cv in zip(e["entry_id"], e["road"], e["road_class"],
                                                 e["weight"], e["xy"], lon, lat, covered)]


def _wish_records(wishes, wish_xy, valid, why, proposals) -> list[dict]:
    out = []
    planner_props = [p for p in proposals if p["source"] == "planner"]
    for k, (lon, lat) in enumerate(wishes):
        rec = {"lon": float(lon), "lat": float(lat), "valid": bool(valid[k]), "reason": why[k], "alternative": None}
        label = f"Voorkeursplek {k + 1} ({lat:.5f}, {lon:.5f})"
        if valid[k]:
            rank = next((p["rank"] for p in proposals if p["source"] == "wens"
                         and np.hypot(p["x"] - wish_xy[k, 0], p["y"] - wish_xy[k, 1]) < 0.5), None)
            rec["explanation"] = f"{label} is geldig" + (f": bord {rank} van deze keuze." if rank else ".")
        else:
            alt = min(planner_props, key=lambda p: np.hypot(p["x"] - wish_xy[k, 0], p["y"] - wish_xy[k, 1]),
                      default=None)
            rec["alternative"] = alt and {key: alt[key] for key in ("rank", "lon", "lat", "x", "y", "road")}
            offer = (f" Beste geldige alternatief: bord {alt['rank']} op {alt['road'] or 'een naamloze weg'} "
                     f"({alt['lat']:.5f}, {alt['lon']:.5f})." if alt else " Er is geen geldig alternatief.")
            rec["explanation"] = f"{label} is niet overgenomen: {why[k]}.{offer}"
        out.append(rec)
    return out


class WardProposer:
    """Positions for :func:`planner.decide_requests`: ``proposer(ward_code, preferred_text,
    ward_signs_xy, max_signs) -> ProposalResult``.

    The road network is built once. :meth:`prepare` (called by
    ``decide_requests`` with the wards that may need positions) finds their
    entries at once, vectorized; any other ward is computed on first use.
    The decision loop hands each call the ward's own signs (existing ones and
    those planned by earlier approvals), so wards are independent of each other.
    """

    def __init__(self, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None, policy: Policy):
        self.wards, self.policy = wards, policy
        self.index = ward_index(wards)
        self.network = road_network(roads, policy)

    def prepare(self, codes) -> None:
        """Find the entries of the wards ``codes`` in one vectorized pass."""
        self.network.prepare(self.wards, codes)

    def __call__(self, ward_code: str, preferred: str, signs_xy: np.ndarray, max_signs: int) -> ProposalResult:
        notes = []
        try:
            wishes = parse_wishes(preferred if isinstance(preferred, str) else "", WISH_SOURCE)
        except InputError as exc:
            wishes, notes = [], [f"Voorkeursplek niet leesbaar: {exc}"]
        pos = self.index.position[ward_code]
        mine = self.network.ward_arrays(self.wards, ward_code)
        plan = dict(code=ward_code, name=self.index.names[pos], poly=self.index.geoms[pos], mine=mine,
                    network=self.network, policy=self.policy, budget=max_signs, signs_xy=signs_xy,
                    wards=self.wards)
        # The municipality's own choice; the admin's wish is considered, not obeyed (staff
        # decide with the admin in 'planner request agree').
        result = plan_ward(**plan)
        if wishes and result.proposals:
            notes += wish_notes(result, plan_ward(**plan, wishes=wishes))
        return ProposalResult(proposals=result.proposals, reason=result.reason, notes=notes + result.notes)


def wish_notes(without: WardProposal, with_wish: WardProposal) -> list[str]:
    """Dutch notes that weigh an admin's wishes against the municipality's own choice."""
    notes = []
    for k, w in enumerate(with_wish.wishes, start=1):
        label = f"Voorkeursplek {k} ({w['lat']:.5f}, {w['lon']:.5f})"
        notes.append(f"{label} is geldig." if w["valid"] else f"{label} is niet geldig: {w['reason']}.")
    if any(w["valid"] for w in with_wish.wishes) and with_wish.proposals:
        # in words a beheerder reads in a letter or on a map: entry roads counted, the busiest first
        # (the choice itself weighs them by road class)
        n = len(without.entries)
        own = sum(bool(e["covered"]) for e in without.entries)
        wished = sum(bool(e["covered"]) for e in with_wish.entries)
        notes.append(
            f"Het voorstel van de gemeente dekt {own} van de {n} invalswegen van de wijk, de drukste eerst; "
            f"met de geldige voorkeursplek(ken) erin zouden de borden {wished} van de {n} dekken ("
            + "; ".join(f"{p['road'] or UNNAMED_ROAD} ({p['lat']:.5f}, {p['lon']:.5f})"
                        for p in with_wish.proposals)
            + "). De gemeente spreekt de plekken met de beheerder af.")
    return notes


def make_proposer(wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None, policy: Policy,
                  signs=None) -> WardProposer:
    """The :class:`WardProposer` for ``decide_requests`` (``signs`` is not needed: kept for
    backwards compatibility, the decision loop passes each ward's signs)."""
    return WardProposer(wards, roads, policy)
