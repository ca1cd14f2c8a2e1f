"""Where the signs of a ward go: proposals, the admin's wishes, relocation.

Builds on :mod:`planner.entries` (entry roads and candidate positions) and
:mod:`planner.choice` (the exact MCLP/LSCP). Every proposal is a dict::

    {"rank": 1, "x": ..., "y": ... (RD New), "lon": ..., "lat": ...,
     "road": "Dorpsstraat", "road_class": "tertiary", "score": 6.0,
     "entries": ["LM01-E1", ...], "explanation": "...", "source": "planner"}

``score`` is the summed weight of the entries the position covers;
``source`` is ``planner`` or ``wens`` (an admin's valid wish).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .choice import CoverProblem, enumerate_mclp, solve_lscp, solve_mclp
from .entries import classify_roads, find_entries, no_entry_reason
from .errors import InputError
from .geo import RD_NEW, to_lonlat, to_rd_xy
from .placement import ProposalResult, Proposer
from .policy import Policy, road_class_nl

MIN_MOVE = 5.0  # metres: a relocation must move the sign at least this far


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


def _lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(xy) == 0:
        return np.zeros(0), np.zeros(0)
    return to_lonlat(gpd.GeoSeries(shapely.points(xy), crs=RD_NEW))


def _ward_row(ward_code: str, wards: gpd.GeoDataFrame) -> pd.Series:
    hit = wards[wards["code"] == str(ward_code)]
    if hit.empty:  # "lm01" for "LM01", when that is unambiguous
        folded = wards[wards["code"].astype(str).str.casefold() == str(ward_code).strip().casefold()]
        hit = folded if len(folded) == 1 else hit
    if hit.empty:
        codes = sorted(wards["code"].astype(str))
        known = ", ".join(codes[:20]) + (", ..." if len(codes) > 20 else "")
        raise InputError(f"wijk {ward_code!r} bestaat niet in de wijkenlaag (wel: {known})")
    return hit.iloc[0]


def _counted_roads(roads, policy):
    if roads is None or len(roads) == 0:
        return None, None
    cls = classify_roads(roads, policy)
    keep = cls["weight"].to_numpy() > 0
    return roads[keep], cls[keep]


def _nearest_road(points: np.ndarray, roads, policy) -> pd.DataFrame:
    """Nearest counted road of each point: ``road``, ``road_class``, ``weight``, ``distance``."""
    out = pd.DataFrame({"road": "", "road_class": "", "weight": 0.0, "distance": np.inf},
                       index=range(len(points)))
    counted, cls = _counted_roads(roads, policy)
    if counted is None or counted.empty or len(points) == 0:
        return out
    pi, ri = shapely.STRtree(counted.geometry.values).query_nearest(points, all_matches=False)
    out.loc[pi, "road"] = counted["name"].to_numpy()[ri]
    out.loc[pi, "road_class"] = cls["road_class"].to_numpy()[ri]
    out.loc[pi, "weight"] = cls["weight"].to_numpy()[ri]
    out.loc[pi, "distance"] = shapely.distance(points[pi], counted.geometry.values[ri])
    return out


def _min_distance(xy: np.ndarray, others: np.ndarray) -> np.ndarray:
    if len(others) == 0 or len(xy) == 0:
        return np.full(len(xy), np.inf)
    d = xy[:, None, :] - np.asarray(others, float)[None, :, :]
    return np.sqrt((d ** 2).sum(-1)).min(axis=1)


def parse_wishes(text: str) -> list[tuple[float, float]]:
    """An admin's wishes ``"lon lat; lon lat"`` as (lon, lat) pairs."""
    wishes = []
    for part in str(text or "").split(";"):
        if not part.strip():
            continue
        nums = re.split(r"[\s,]+", part.strip())
        try:
            lon, lat = (float(v) for v in nums)
        except ValueError as exc:
            raise InputError(f"voorkeursplek {part.strip()!r}: verwacht 'lon lat'") from exc
        wishes.append((lon, lat))
    return wishes


def _check_wishes(wish_xy: np.ndarray, poly, roads, policy: Policy, other_xy: np.ndarray,
                  max_signs: int) -> tuple[list[bool], list[str], pd.DataFrame]:
    """Validity and Dutch reason per wish (kept in order while the budget lasts)."""
    pts = shapely.points(wish_xy) if len(wish_xy) else np.zeros(0, dtype=object)
    near = _nearest_road(pts, roads, policy)
    inside = shapely.contains(poly, pts) if len(wish_xy) else np.zeros(0, bool)
    kept_xy, valid, reasons = [], [], []
    for k in range(len(wish_xy)):
        problems = []
        if not inside[k]:
            problems.append("ligt niet in de wijk")
        if near["distance"].iloc[k] > policy.wish_road_distance:
            problems.append(f"ligt niet binnen {policy.wish_road_distance:.0f} m van een openbare weg")
        spacing = _min_distance(wish_xy[k:k + 1], np.array(list(other_xy) + kept_xy).reshape(-1, 2))[0]
        if spacing < policy.min_spacing:
            problems.append(f"staat op {spacing:.0f} m van een ander bord (minimaal {policy.min_spacing:.0f} m)")
        if not problems and len(kept_xy) >= max_signs:
            problems.append(f"er komen in deze wijk hooguit {max_signs} borden")
        valid.append(not problems)
        reasons.append(" en ".join(problems))
        if not problems:
            kept_xy.append(tuple(wish_xy[k]))
    return valid, reasons, near


def propose_positions(ward_code: str, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None,
                      policy: Policy, *, max_signs: int | None = None, cover_all: bool = False,
                      wishes=(), signs=None, entries: gpd.GeoDataFrame | None = None,
                      fast: bool = False) -> WardProposal:
    """Propose sign positions for one ward (exact MCLP, or LSCP with ``cover_all``).

    Parameters
    ----------
    ward_code : str
    wards, roads : GeoDataFrame
        RD New layers; ``roads`` may be None (then: no entries, needs review).
    policy : Policy
        ``max_signs``, ``class_weights``, ``inset``, ``cover_radius``,
        ``min_spacing``, ``wish_road_distance``.
    max_signs : int, optional
        Overrides ``policy.max_signs``.
    cover_all : bool
        Set covering: every entry gets a sign, fewest signs (may exceed
        ``max_signs``; a note says so).
    wishes : sequence of (lon, lat) or str
        The admin's preferred positions (``"lon lat; lon lat"``). Valid
        wishes are kept; invalid ones are explained with the best alternative.
    signs : GeoDataFrame or array of (x, y), optional
        Existing signs (any status): candidates closer than ``min_spacing``
        are not free.
    entries : GeoDataFrame, optional
        Precomputed :func:`planner.entries.find_entries` (all wards).
    fast : bool
        Solve the MCLP by exact enumeration instead of ``milp`` (same optimum).

    Returns
    -------
    WardProposal
    """
    row = _ward_row(ward_code, wards)
    code, name = str(row["code"]), str(row["name"])
    budget = policy.max_signs if max_signs is None else int(max_signs)
    if budget < 0:
        raise InputError("--max-signs moet 0 of meer zijn")
    result = WardProposal(ward={"code": code, "name": name}, method="lscp" if cover_all else "mclp")
    if entries is None:
        entries = find_entries(wards, roads, policy)
    mine = entries[entries["ward_code"] == code]
    if mine.empty:
        result.needs_review = True
        result.reason = no_entry_reason(code, wards, roads, policy)
        return result
    entry_xy = shapely.get_coordinates(mine.geometry.values)
    cand_xy = shapely.get_coordinates(mine["candidate"].to_numpy())
    other_xy = _sign_xy(signs)
    own_signs = int(shapely.contains_xy(row.geometry, other_xy[:, 0], other_xy[:, 1]).sum()) if len(other_xy) else 0
    if own_signs:
        result.notes.append(f"In wijk {name} {'staat' if own_signs == 1 else 'staan'} al {own_signs} "
                            f"bord{'en' if own_signs != 1 else ''}; "
                            f"plekken binnen {policy.min_spacing:.0f} m daarvan vallen af.")
    free = _min_distance(cand_xy, other_xy) >= policy.min_spacing
    cand = pd.DataFrame({"x": cand_xy[:, 0], "y": cand_xy[:, 1], "road": mine["road"].to_numpy(),
                         "road_class": mine["road_class"].to_numpy(), "weight": mine["weight"].to_numpy(),
                         "own": np.arange(len(mine)), "source": "planner"})[free]
    if isinstance(wishes, str):
        wishes = parse_wishes(wishes)
    wish_xy = np.column_stack(to_rd_xy(*np.array(wishes, float).T)) if len(wishes) else np.zeros((0, 2))
    valid, why, near = _check_wishes(wish_xy, row.geometry, roads, policy, other_xy, budget)
    kept = np.flatnonzero(valid)
    wish_cand = pd.DataFrame({"x": wish_xy[kept, 0], "y": wish_xy[kept, 1],
                              "road": near["road"].to_numpy()[kept], "road_class": near["road_class"].to_numpy()[kept],
                              "weight": near["weight"].to_numpy()[kept], "own": -1, "source": "wens"})
    cand = pd.concat([wish_cand, cand], ignore_index=True)
    if cand.empty:
        result.needs_review = True
        result.reason = (f"Alle plekken bij de invalswegen van wijk {name} liggen binnen "
                         f"{policy.min_spacing:.0f} m van bestaande borden; een medewerker beoordeelt de plaatsing.")
        result.entries = _entry_records(mine, np.zeros(len(mine), bool))
        return result
    cxy = cand[["x", "y"]].to_numpy(float)
    dist = np.sqrt(((cxy[:, None, :] - entry_xy[None, :, :]) ** 2).sum(-1))
    cover = dist <= policy.cover_radius
    own = cand["own"].to_numpy()
    cover[np.flatnonzero(own >= 0), own[own >= 0]] = True
    problem = CoverProblem(cover, mine["weight"].to_numpy(float), cand["weight"].to_numpy(float), cxy,
                           policy.min_spacing, fixed=(cand["source"] == "wens").to_numpy())
    if cover_all:
        # Entries that no free position can serve but an existing sign already covers need no new sign.
        served = _min_distance(entry_xy, other_xy) <= policy.cover_radius
        drop = ~cover.any(axis=0) & served
        if drop.any():
            result.notes.append("Al gedekt door een bestaand bord: " + ", ".join(mine["entry_id"].to_numpy()[drop]) + ".")
        lscp = CoverProblem(cover[:, ~drop], problem.entry_weight[~drop], problem.road_weight, cxy,
                            policy.min_spacing, fixed=problem.fixed)
        chosen = solve_lscp(lscp)
        if chosen is None:
            lost = mine["entry_id"].to_numpy()[~drop][~cover[:, ~drop].any(axis=0)]
            why = (f"invalsweg {', '.join(lost)} kan geen bord krijgen (te dicht bij een ander bord)" if len(lost)
                   else f"dat gaat niet met {policy.min_spacing:.0f} m tussen de borden")
            result.needs_review = True
            result.reason = (f"Niet elke invalsweg van wijk {name} kan een bord krijgen: {why}; "
                             "een medewerker beoordeelt de plaatsing.")
            result.entries = _entry_records(mine, np.zeros(len(mine), bool))
            return result
        if len(chosen) > budget:
            result.notes.append(f"Om elke invalsweg te dekken zijn {len(chosen)} borden nodig; "
                                f"het beleid staat er {budget} toe.")
    else:
        chosen = (enumerate_mclp if fast else solve_mclp)(problem, budget)
    result.proposals = _proposal_records(cand.iloc[chosen], cover[chosen], mine, policy)
    result.entries = _entry_records(mine, cover[chosen].any(axis=0))
    result.wishes = _wish_records(wishes, wish_xy, valid, why, result.proposals)
    result.notes += [w["explanation"] for w in result.wishes]
    if not result.proposals:
        result.needs_review = True
        result.reason = (f"Met hooguit 0 borden komt er in wijk {name} geen bord." if budget == 0 else
                         f"Voor wijk {name} is geen geldige plek gevonden (max. {budget} borden).")
    return result


def _sign_xy(signs) -> np.ndarray:
    if signs is None:
        return np.zeros((0, 2))
    if isinstance(signs, gpd.GeoDataFrame | gpd.GeoSeries):
        geoms = signs.geometry.values if isinstance(signs, gpd.GeoDataFrame) else signs.values
        return shapely.get_coordinates(geoms)
    return np.asarray(signs, float).reshape(-1, 2)


def _proposal_records(chosen: pd.DataFrame, cover: np.ndarray, entries, policy: Policy) -> list[dict]:
    ids = entries["entry_id"].to_numpy()
    weights = entries["weight"].to_numpy(float)
    lon, lat = _lonlat(chosen[["x", "y"]].to_numpy(float))
    recs = []
    for k, (_, c) in enumerate(chosen.iterrows()):
        covered = ids[cover[k]].tolist()
        road = c["road"] or "naamloze weg"
        count = f"{len(covered)} invalsweg{'en' if len(covered) != 1 else ''}"
        if c["source"] == "wens":
            what = f"Gewenste plek van de beheerder: {road} ({road_class_nl(c['road_class'])}); geldig"
        else:
            what = f"{road} ({road_class_nl(c['road_class'])}), ongeveer {policy.inset:.0f} m binnen de wijk"
        recs.append({"rank": 0, "x": round(float(c["x"]), 1), "y": round(float(c["y"]), 1),
                     "lon": round(float(lon[k]), 7), "lat": round(float(lat[k]), 7),
                     "road": c["road"], "road_class": c["road_class"],
                     "score": round(float(weights[cover[k]].sum()), 3), "entries": covered,
                     "explanation": f"{what}; " + (
                         f"dekt {count} binnen {policy.cover_radius:.0f} m: {', '.join(covered)}." if covered
                         else f"dekt geen invalsweg binnen {policy.cover_radius:.0f} m (de andere borden "
                              "dekken ze, of de wens ligt verder weg)."),
                     "source": c["source"], "_w": float(c["weight"])})
    recs.sort(key=lambda r: (r["source"] != "wens", -r["score"], -r["_w"], r["x"], r["y"]))
    for rank, r in enumerate(recs, start=1):
        r["rank"] = rank
        r["explanation"] = f"Bord {rank}: {r['explanation']} Score {r['score']:g}."
        del r["_w"]
    return recs


def _entry_records(entries, covered: np.ndarray) -> list[dict]:
    xy = shapely.get_coordinates(entries.geometry.values)
    lon, lat = _lonlat(xy)
    return [{"entry_id": e, "road": r, "road_class": c, "weight": float(w), "x": round(float(p[0]), 1),
             "y": round(float(p[1]), 1), "lon": round(float(lo), 7), "lat": round(float(la), 7),
             "covered": bool(cv)}
            for e, r, c, w, p, lo, la, cv in zip(entries["entry_id"], entries["road"], entries["road_class"],
                                                 entries["weight"], xy, lon, lat, covered)]


def _wish_records(wishes, wish_xy, valid, why, proposals) -> list[dict]:
    out = []
    planner_props = [p for p in proposals if p["source"] == "planner"]
    for k, (lon, lat) in enumerate(wishes):
        rec = {"lon": float(lon), "lat": float(lat), "valid": bool(valid[k]), "reason": why[k], "alternative": None}
        label = f"Voorkeursplek {k + 1} ({lon:.5f}, {lat:.5f})"
        if valid[k]:
            rec["explanation"] = f"{label} is overgenomen."
        else:
            alt = min(planner_props, key=lambda p: np.hypot(p["x"] - wish_xy[k, 0], p["y"] - wish_xy[k, 1]),
                      default=None)
            rec["alternative"] = alt and {key: alt[key] for key in ("rank", "lon", "lat", "x", "y", "road")}
            offer = (f" Beste geldige alternatief: bord {alt['rank']} op {alt['road'] or 'een naamloze weg'} "
                     f"({alt['lat']:.5f}, {alt['lon']:.5f})." if alt else " Er is geen geldig alternatief.")
            rec["explanation"] = f"{label} is niet overgenomen: {why[k]}.{offer}"
        out.append(rec)
    return out


def make_proposer(wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None, policy: Policy,
                  signs=None) -> Proposer:
    """A ``proposer(ward_code, request_row)`` for :func:`planner.decide_requests`.

    Entries are found once for all wards. Positions proposed for earlier
    requests in the same run count as signs for the spacing of later ones.
    """
    entries = find_entries(wards, roads, policy)
    taken = [tuple(p) for p in _sign_xy(signs)]

    def proposer(ward_code: str, request_row) -> ProposalResult:
        text = request_row.get("preferred", "") if hasattr(request_row, "get") else ""
        notes = []
        try:
            wishes = parse_wishes(text if isinstance(text, str) else "")
        except InputError as exc:
            wishes, notes = [], [f"Voorkeursplek niet leesbaar: {exc}"]
        result = propose_positions(ward_code, wards, roads, policy, wishes=wishes,
                                   signs=np.array(taken).reshape(-1, 2), entries=entries)
        taken.extend((p["x"], p["y"]) for p in result.proposals)
        return ProposalResult(proposals=result.proposals, reason=result.reason, notes=notes + result.notes)

    return proposer


def choose_all_wards(entries: gpd.GeoDataFrame, policy: Policy, *, max_signs: int | None = None,
                     fast: bool = True) -> pd.DataFrame:
    """The MCLP optimum of every ward at once (no wishes, no existing signs).

    Parameters
    ----------
    entries : GeoDataFrame
        From :func:`planner.entries.find_entries` (all wards).
    policy : Policy
    max_signs : int, optional
        Overrides ``policy.max_signs``.
    fast : bool
        Exact enumeration in numpy (default) instead of one ``milp`` per ward.

    Returns
    -------
    DataFrame with ``ward_code``, ``coverage`` (weighted, the objective),
    ``total`` (weight of all entries), ``signs`` and ``chosen`` (entry ids
    whose candidate is chosen), one row per ward with entries.
    """
    budget = policy.max_signs if max_signs is None else int(max_signs)
    solve = enumerate_mclp if fast else solve_mclp
    exy = shapely.get_coordinates(entries.geometry.values)
    cxy = shapely.get_coordinates(entries["candidate"].to_numpy())
    weight = entries["weight"].to_numpy(float)
    ids = entries["entry_id"].to_numpy()
    rows = []
    codes = entries["ward_code"].to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        idx = order[a:b]
        d = np.sqrt(((cxy[idx][:, None, :] - exy[idx][None, :, :]) ** 2).sum(-1))
        cover = (d <= policy.cover_radius) | np.eye(len(idx), dtype=bool)
        problem = CoverProblem(cover, weight[idx], weight[idx], cxy[idx], policy.min_spacing)
        chosen = solve(problem, budget)
        cov = problem.objective(chosen)[0]
        rows.append({"ward_code": codes[idx[0]], "coverage": cov, "total": float(weight[idx].sum()),
                     "signs": len(chosen), "chosen": ids[idx[chosen]].tolist()})
    return pd.DataFrame(rows, columns=["ward_code", "coverage", "total", "signs", "chosen"])
