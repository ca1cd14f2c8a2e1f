"""The life of a request after its decision: reviews resolved by staff, positions agreed with the admin.

::

    received -> decided: approved / rejected / needs_review
    needs_review -> resolved by staff (resolve_request): approved or rejected, with date and reason
    approved -> positions proposed (planned signs), or an open approval (positions still to agree)
             -> positions agreed with the admin (agree_positions) -> signs placed (history.place_sign)

Nothing is rewritten: a resolution and an agreement are events appended to
``request_events`` (the decision row stays as it was decided); signs moved
to agreed positions get an ``agreed`` sign event with their old position.
A resolved review counts as its resolution everywhere (``Store.layers``'
open approvals, :func:`planner.history.recorded_decisions`, the maps).

The admin's wish is considered, not obeyed: :func:`wish_options` computes
the municipality's best choice without the wish and with it, and says
whether each wish is valid; staff choose in :func:`agree_positions`.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from planner.core import policy as policy_mod
from planner.core.coords import event_date
from planner.core.text import check_text
from planner.core.vocabulary import (
    OUTCOME_NL,
    REQUEST_EVENT_NL,
    SIGN_EVENT_NL,
    SIGN_STATUS_NL,
)
from planner.errors import InputError, shorten
from planner.placement import approval_sentence
from planner.register.groups import active_group
from planner.register.requests import (
    REQUEST_STATES,
    free_sign_id,
    record_proposals,
    request_event,
    request_states,
    street_at,
)
from planner.register.schema import to_blob
from planner.register.store import (
    EFFECTIVE_DECISIONS,
    Store,
    grow_extent,
    lonlat_of,
    now,
    read_geoframe,
    record_sign_event,
)

CHOICES = ("proposals", "with_wish", "without_wish")
SAME_SPOT = 0.05  # metres: an agreed position this close to the proposal is the proposal


# ----------------------------------------------------------------- reading


def policy_of(name: str | None, given=None):
    """The policy to use for a recorded decision: ``given`` when set, else the preset it was decided under."""
    if given is not None:
        return given
    if name and name in policy_mod.preset_names():
        return policy_mod.preset(name)
    raise InputError(f"het besluit is genomen onder beleid {shorten(name or '(onbekend)')}, geen preset van de "
                     "planner; geef het beleid met ⟨policy⟩ NAAM|BESTAND.toml")


def _request_row(con, request_id: str) -> dict:
    df = read_geoframe(con, "SELECT geom, request_id, date, group_id, ward_code, preferred, status, created_at "
                     "FROM requests WHERE request_id = ?", (request_id,))
    if df.empty:
        raise InputError(f"onbekende aanvraag {shorten(request_id)}")
    return df.iloc[0].to_dict()


def _decision_row(con, request_id: str) -> dict | None:
    row = con.execute(
        f"SELECT d.decided_at, d.policy, d.outcome, d.reason_code, d.reason, d.ward_code, d.notes, "
        f"e.outcome, e.ward_code, e.resolved_on, e.resolution "
        f"FROM decisions d JOIN ({EFFECTIVE_DECISIONS}) e USING (request_id) WHERE d.request_id = ?",
        (request_id,)).fetchone()
    if row is None:
        return None
    keys = ("decided_at", "policy", "decided_outcome", "reason_code", "reason", "decided_ward", "notes",
            "outcome", "ward_code", "resolved_on", "resolution")
    out = dict(zip(keys, row))
    out["notes"] = json.loads(out["notes"] or "[]")
    return out


def _events(con, request_id: str, event: str | None = None) -> list[dict]:
    sql = ("SELECT event, at, event_date, outcome, ward_code, reason, detail FROM request_events "
           "WHERE request_id = ?" + (" AND event = ?" if event else "") + " ORDER BY fid")
    rows = con.execute(sql, (request_id, event) if event else (request_id,)).fetchall()
    return [{"event": e, "at": at, "event_date": d, "outcome": o, "ward_code": w, "reason": r,
             "detail": json.loads(t) if t else {}} for e, at, d, o, w, r, t in rows]


def _ward_name(con, code: str | None) -> str | None:
    if not code:
        return None
    row = con.execute("SELECT name FROM wards WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def _point_record(geom) -> dict:
    lon, lat = lonlat_of(geom)
    return {"x": round(geom.x, 1), "y": round(geom.y, 1), "lon": lon, "lat": lat}


def request_info(store: Store, request_id: str, con=None) -> dict:
    """One request with its real state, decision, resolution, signs, proposals and history (internal).

    Returns a dict: ``request_id``, ``date``, ``group_id``, location (``x``,
    ``y``, ``lon``, ``lat``: may be a home, internal only), ``preferred``,
    ``state`` (a key of :data:`planner.history.REQUEST_STATES`) and
    ``state_nl``, ``outcome`` (the effective one), ``ward``, ``decision``
    (as decided), ``resolution`` (or None), ``agreed`` (or None), ``signs``,
    ``proposals`` and ``history`` (request and sign events, oldest first).
    """
    if con is None:
        with store.reading() as c:
            return request_info(store, request_id, c)
    r = _request_row(con, request_id)
    d = _decision_row(con, request_id)
    state = request_states(con, request_id)[request_id]
    events = _events(con, request_id)
    resolved = next((e for e in events if e["event"] == "resolved"), None)
    agreed = next((e for e in reversed(events) if e["event"] == "agreed"), None)
    decided = next((e for e in events if e["event"] == "decided"), None)
    ward_code = d["ward_code"] if d else r["ward_code"]
    signs = read_geoframe(con, "SELECT geom, sign_id, status, street, placed_on FROM signs WHERE request_id = ? "
                        "ORDER BY fid", (request_id,))
    props = read_geoframe(con, "SELECT geom, rank, sign_id, road, road_class, score, explanation FROM proposals "
                        "WHERE request_id = ? ORDER BY rank", (request_id,))
    sign_events = read_geoframe(con, "SELECT e.geom, e.sign_id, e.event, e.at, e.event_date, e.reason, e.from_x, e.from_y "
                              "FROM sign_events e WHERE e.request_id = ? ORDER BY e.fid", (request_id,))
    out = {
        "request_id": r["request_id"], "date": r["date"], "group_id": r["group_id"],
        **_point_record(r["geometry"]), "preferred": r["preferred"],
        "state": state, "state_nl": REQUEST_STATES[state],
        "outcome": d["outcome"] if d else None,
        "outcome_nl": OUTCOME_NL[d["outcome"]] if d else None,
        "ward": {"code": ward_code, "name": _ward_name(con, ward_code)} if ward_code else None,
        "decision": None if d is None else {
            "outcome": d["decided_outcome"], "reason_code": d["reason_code"], "reason": d["reason"],
            "decided_at": d["decided_at"], "policy": d["policy"], "ward_code": d["decided_ward"],
            "notes": d["notes"], "boundary_wards": (decided or {}).get("detail", {}).get("boundary_wards", [])},
        "resolution": None if resolved is None else {
            "outcome": resolved["outcome"], "date": resolved["event_date"], "reason": resolved["reason"],
            "ward_code": resolved["ward_code"], "decision_reason": resolved["detail"].get("decision_reason", "")},
        "agreed": None if agreed is None else {
            "date": agreed["event_date"], "note": agreed["reason"], **agreed["detail"]},
        "signs": [{"id": s["sign_id"], "status": s["status"], "status_nl": SIGN_STATUS_NL.get(s["status"], s["status"]),
                   "street": s["street"], "placed_on": s["placed_on"], **_point_record(s["geometry"])}
                  for s in signs.to_dict("records")],
        "proposals": [{"rank": int(p["rank"]), "sign_id": p["sign_id"], "road": p["road"],
                       "road_class": p["road_class"], "score": p["score"], "explanation": p["explanation"],
                       **_point_record(p["geometry"])} for p in props.to_dict("records")],
    }
    out["reason"] = (out["resolution"]["decision_reason"] or out["resolution"]["reason"]) if resolved else (
        d["reason"] if d else "")
    history = [{"date": e["event_date"], "at": e["at"], "subject": f"aanvraag {request_id}", "event": e["event"],
                "event_nl": REQUEST_EVENT_NL[e["event"]] + (f": {OUTCOME_NL[e['outcome']]}"
                                                            if e["event"] in ("decided", "resolved") else ""),
                "reason": e["reason"]} for e in events]
    for s in sign_events.to_dict("records"):
        item = {"date": s["event_date"], "at": s["at"], "subject": f"bord {s['sign_id']}", "event": s["event"],
                "event_nl": SIGN_EVENT_NL.get(s["event"], s["event"]), "reason": s["reason"],
                **_point_record(s["geometry"])}
        if s["from_x"] is not None:
            item["from_x"], item["from_y"] = round(s["from_x"], 1), round(s["from_y"], 1)
        history.append(item)
    order = {"received": 0, "decided": 1, "resolved": 2, "proposed": 3, "approved": 4, "agreed": 5}
    history.sort(key=lambda h: (h["date"], h["at"], order.get(h["event"], 6)))
    out["history"] = history
    return out


def show_request(store: Store, request_id: str, *, roads: gpd.GeoDataFrame | None = None, policy=None) -> dict:
    """:func:`request_info`, plus ``options``: the wish and the best choice with and without it.

    ``options`` (see :func:`wish_options`) is computed live for an approval
    whose positions are not agreed yet (``roads`` needed); after ``request
    agree`` it is the record made then, with ``chosen`` (a key of
    :data:`planner.core.vocabulary.CHOICE_NL`: what staff took). Before the agreement ``chosen`` is
    None: nothing is taken yet. None otherwise.
    """
    with store.reading() as con:
        info = request_info(store, request_id, con)
        if info["agreed"] and "options" in info["agreed"]:
            info["options"] = dict(info["agreed"]["options"], chosen=info["agreed"].get("chosen"))
        elif roads is not None and info["state"] in ("approved_open", "proposed") and info["ward"]:
            policy = policy_of(info["decision"]["policy"], policy)
            layers = store.layers(con)
            info["options"] = wish_options(layers["wards"], layers["signs"], roads, policy, request_id,
                                           info["ward"]["code"], info["preferred"])
        else:
            info["options"] = None
    return info


# ----------------------------------------------------------------- the wish: considered, not obeyed


def _summary(result) -> dict:
    entries = result.entries
    weight = sum(e["weight"] for e in entries)
    covered = [e for e in entries if e["covered"]]
    return {"proposals": [{k: p[k] for k in ("rank", "x", "y", "lon", "lat", "road", "road_class", "score",
                                             "source") if k in p} for p in result.proposals],
            "entries": len(entries), "entries_covered": len(covered),
            "weight": round(weight, 3), "weight_covered": round(sum(e["weight"] for e in covered), 3),
            "needs_review": result.needs_review, "reason": result.reason}


def wish_options(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, policy,
                 request_id: str, ward_code: str, preferred: str) -> dict:
    """The admin's wishes and the municipality's best choice without and with them.

    Both are exact proposals (:func:`planner.propose_positions`) for the
    ward's budget (``max_signs`` minus the ward's signs other than this
    request's own): ``without_wish`` ignores the wishes, ``with_wish`` keeps
    the valid ones. ``wishes`` says per wish whether it is valid and why
    not. Staff choose in :func:`agree_positions`.
    """
    from planner.core.coords import parse_wishes
    from planner.siting.proposals import WISH_SOURCE, propose_positions

    others = signs[signs["request_id"].fillna("").astype(str) != request_id] if len(signs) else signs
    from planner.core.wards import in_ward, ward_index
    index = ward_index(wards)
    poly = index.geoms[index.locate(ward_code)]
    n_other = int(in_ward(others.geometry.values, poly).sum()) if len(others) else 0
    budget = max(policy.max_signs - n_other, 0)
    wishes = parse_wishes(preferred, WISH_SOURCE) if str(preferred or "").strip() else []
    without = propose_positions(ward_code, wards, roads, policy, max_signs=budget, signs=others, wishes=())
    out = {"budget": budget, "wishes": [], "without_wish": _summary(without), "with_wish": None, "chosen": None}
    if wishes:
        with_ = propose_positions(ward_code, wards, roads, policy, max_signs=budget, signs=others, wishes=wishes)
        out["wishes"] = [{k: w[k] for k in ("lon", "lat", "valid", "reason", "explanation")} for w in with_.wishes]
        out["with_wish"] = _summary(with_)
    return out


# ----------------------------------------------------------------- resolving a review


def _required(text: str | None, what: str) -> str:
    text = check_text(text or "", "⟨reason⟩")
    if not text:
        raise InputError(f"{what} vraagt een reden (⟨reason⟩)")
    return text


def _not_before(date: str, earliest: str | None, what: str) -> None:
    if earliest and date < earliest[:10]:
        raise InputError(f"datum {date} ligt vóór {what} ({earliest[:10]})")


def _state_error(request_id: str, state: str, action: str) -> InputError:
    why = {
        "received": "is nog niet beslist; beslis eerst met 'planner decide'",
        "needs_review": "is ter beoordeling; handel de beoordeling eerst af met 'planner request resolve'",
        "rejected": "is afgewezen",
        "approved_open": "is toegekend; de plekken zijn nog af te spreken ('planner request agree')",
        "proposed": "is toegekend; de plekken zijn voorgesteld ('planner request agree')",
        "agreed": "heeft al afgesproken plekken; verplaats een bord met 'planner sign relocate'",
        "placed": "heeft zijn borden al geplaatst",
        "signs_removed": "heeft geen borden meer (verwijderd)",
    }[state]
    return InputError(f"aanvraag {request_id} {why}; {action}")


def resolve_request(store: Store, request_id: str, *, approve: bool, reason: str, ward: str | None = None,
                    date: str | None = None, roads: gpd.GeoDataFrame | None = None, policy=None) -> dict:
    """Staff resolve a request that needs review: approve or reject it, with a reason and a date.

    The decision row stays; the resolution is a ``resolved`` request event.
    An approval is checked against the ward as ``decide`` would check it
    now (a ward covered or with an approval in progress meanwhile is
    refused: reject instead), gets positions from the same proposer as
    ``decide`` when ``roads`` are given (a position near a neighbouring
    ward's sign on the same street goes on that pole, as
    :func:`planner.placement.share_poles` does), and is otherwise an open approval
    (positions to be agreed with the admin). A request on a ward boundary
    needs ``ward`` (one of the wards it touches); the group must be in the
    register (the letter goes to its admins).

    Returns :func:`request_info` of the request.
    """
    from planner.core.wards import in_ward
    from planner.placement import ward_states

    reason = _required(reason, "een beoordeling afhandelen")
    date = event_date(date)
    with store.transaction() as con:
        req = _request_row(con, request_id)
        state = request_states(con, request_id)[request_id]
        if state != "needs_review":
            raise _state_error(request_id, state, "alleen een aanvraag ter beoordeling kan worden afgehandeld")
        d = _decision_row(con, request_id)
        _not_before(date, d["decided_at"], "het besluit")
        code = d["decided_ward"]
        if ward is not None:
            ward = str(ward).strip()
            if code is not None and ward != code:
                raise InputError(f"aanvraag {request_id} ligt in wijk {code}; ⟨ward⟩ is alleen voor een aanvraag "
                                 "op de grens van twee wijken")
            geom, _ = store.ward_row(con, ward)
            if not in_ward([req["geometry"]], geom)[0]:
                raise InputError(f"aanvraag {request_id} ligt niet in wijk {ward}; kies een wijk die de locatie raakt")
            code = ward
        if not approve:
            sentence = "Na beoordeling door de gemeente afgewezen."  # fixed words: maps show it; the reason is internal
            request_event(con, request_id, "resolved", event_date=date, outcome="rejected", ward_code=code,
                          reason=reason, detail={"reason_code": "review_rejected", "decision_reason": sentence,
                                                 "review_reason_code": d["reason_code"]})
            return request_info(store, request_id, con)
        if code is None:
            raise InputError(f"aanvraag {request_id} ligt op de grens van twee wijken; kies met ⟨ward⟩ de wijk "
                             "waarvoor de borden zijn")
        try:
            active_group(con, req["group_id"])
        except InputError:
            raise InputError(f"groep {req['group_id']} staat niet (meer) in het register; voeg haar eerst toe met "
                             "'planner group add' (het besluit gaat naar haar beheerders)") from None
        policy = policy_of(d["policy"], policy)
        layers = store.layers(con)
        states = ward_states(layers["wards"], layers["signs"], policy, roads=roads,
                             open_approvals=layers["open_approvals"])
        name = _ward_name(con, code)
        verdict = states.verdict(code)
        if verdict.state != "free":
            staff = "".join(f" ({note})" for note in verdict.notes())
            raise InputError(f"aanvraag {request_id} kan niet worden toegekend: {verdict.sentence(name)}{staff} "
                             "Wijs af met ⟨reject⟩.")
        st = states[code]
        budget = policy.max_signs - len(st.signs)
        proposals, notes = [], []
        if roads is not None:
            proposals, notes = _review_proposals(layers, roads, policy, st, budget, req, request_id, code, name,
                                                 date)
        n = len(proposals) or budget
        sentence = "Na beoordeling door de gemeente toegekend. " + approval_sentence(name, n, bool(proposals))
        request_event(con, request_id, "resolved", event_date=date, outcome="approved", ward_code=code,
                      reason=reason, detail={"reason_code": "review_approved", "decision_reason": sentence,
                                             "review_reason_code": d["reason_code"], "signs_to_place": n,
                                             "notes": notes})
        record_proposals(con, request_id, code, proposals, sentence)
        for table in ("signs", "sign_events", "proposals"):
            grow_extent(con, table)
        return request_info(store, request_id, con)


def _review_proposals(layers: dict, roads, policy, st, budget: int, req: dict, request_id: str, code: str,
                      name: str, date: str) -> tuple[list, list]:
    """The positions of a review approved now, from the same proposer as ``decide``; a position near a
    neighbouring ward's sign on the same street goes on that pole (:func:`planner.placement.share_poles`)."""
    from planner.placement import Decision, share_poles
    from planner.siting.proposals import make_proposer

    xy = np.array([[s["x"], s["y"]] for s in st.signs], dtype=float).reshape(-1, 2)
    result = make_proposer(layers["wards"], roads, policy)(code, req["preferred"], xy, budget)
    proposals, notes = result.proposals, result.notes
    if proposals:
        probe = Decision(request_id=request_id, date=date, group_id=str(req["group_id"]), outcome="approved",
                         reason_code="review_approved", reason="", ward={"code": code, "name": name},
                         x=0.0, y=0.0, lon=0.0, lat=0.0, proposals=list(proposals), notes=list(notes))
        share_poles([probe], layers["wards"], layers["signs"], policy, roads=roads)
        proposals, notes = probe.proposals, probe.notes
    return proposals, notes


# ----------------------------------------------------------------- agreeing positions with the admin


def agree_positions(store: Store, request_id: str, *, positions=None, choice: str = "proposals",
                    force: bool = False, note: str = "", date: str | None = None,
                    roads: gpd.GeoDataFrame | None = None, policy=None) -> dict:
    """Record the positions agreed with the admin for an approved request.

    Parameters
    ----------
    positions : list of shapely.Point (RD New), optional
        Positions chosen in the conversation. Each is checked like ``sign
        relocate``: in the request's ward, ``boundary_clearance`` from its
        boundary, within ``wish_road_distance`` of a counted road (needs
        ``roads``), ``min_spacing`` from the ward's other signs and from each
        other; at most the ward's budget (``max_signs`` minus its other signs).
        ``force`` keeps them with only the ward check (staff know the spot).
    choice : str
        Without ``positions``: ``proposals`` keeps the proposed positions,
        ``with_wish`` / ``without_wish`` take the municipality's best choice
        with or without the admin's wish (:func:`wish_options`, needs ``roads``).
    note : str
        What was agreed (optional; stored with the event).

    The request's planned signs move to the agreed positions (``agreed`` sign
    event with the old position), extra positions become new planned signs,
    planned signs that are no longer needed are removed; the request gets an
    ``agreed`` event recording the positions, the wish and both alternatives.
    Returns :func:`request_info` of the request (with ``options``).
    """
    from planner.core.wards import in_ward

    if choice not in CHOICES:
        raise InputError(f"onbekende keuze {choice!r}; kies uit {', '.join(CHOICES)}")
    if positions is not None and choice != "proposals":
        raise InputError("geef de afgesproken plekken (⟨at⟩/⟨at_rd⟩) of ⟨with_wish⟩/⟨without_wish⟩, niet allebei")
    note = check_text(note or "", "⟨note⟩")
    date = event_date(date)
    with store.transaction() as con:
        req = _request_row(con, request_id)
        state = request_states(con, request_id)[request_id]
        if state not in ("approved_open", "proposed"):
            raise _state_error(request_id, state, "er zijn nu geen plekken af te spreken")
        d = _decision_row(con, request_id)
        _not_before(date, d["resolved_on"] or d["decided_at"], "het besluit")
        policy = policy_of(d["policy"], policy)
        code = d["ward_code"]
        poly, name = store.ward_row(con, code)
        layers = store.layers(con)
        signs = layers["signs"]
        mine = signs[signs["request_id"].fillna("").astype(str) == request_id]
        others = signs[signs["request_id"].fillna("").astype(str) != request_id]
        others = others[in_ward(others.geometry.values, poly)] if len(others) else others
        others_xy = shapely.get_coordinates(others.geometry.values).reshape(-1, 2)
        budget = policy.max_signs - len(others)
        options = None
        if roads is not None:
            options = wish_options(layers["wards"], signs, roads, policy, request_id, code, req["preferred"])
        if positions is not None:
            targets, source = _checked_positions(list(positions), poly, name, request_id, others_xy, budget,
                                                 roads, policy, force), "gekozen"
        else:
            targets, source = _chosen_targets(choice, mine, options, request_id)
        why = "plek afgesproken met de beheerder" + (f": {note}" if note else "")
        kept = _record_agreed_signs(con, list(mine.to_dict("records")), targets, code=code, request_id=request_id,
                                    why=why, date=date, roads=roads)
        agreed = [{"sign_id": sid, **_point_record(pt)} for sid, pt in zip(kept, targets)]
        chosen = "positions" if positions is not None else choice
        detail = {"source": source, "chosen": chosen, "forced": bool(force and positions is not None),
                  "positions": agreed, "preferred": req["preferred"]}
        if options is not None:
            options = dict(options, chosen=chosen)
            detail["options"] = options
        request_event(con, request_id, "agreed", event_date=date, outcome="approved", ward_code=code, reason=note,
                      detail=detail)
        for table in ("signs", "sign_events"):
            grow_extent(con, table)
        info = request_info(store, request_id, con)
    info["options"] = options
    return info


def _checked_positions(positions: list, poly, name: str, request_id: str, others_xy, budget: int, roads, policy,
                       force: bool) -> list:
    """Positions chosen with the admin, each checked like ``sign relocate`` (unless ``force``: only the ward)."""
    from planner.core.wards import in_ward
    from planner.siting.relocation import target_problems

    if not positions:
        raise InputError("geen plekken gegeven; geef ⟨at⟩ of ⟨at_rd⟩ (herhaal voor meer borden)")
    if len(positions) > budget:
        raise InputError(f"{len(positions)} plekken gegeven; in wijk {name} staat het beleid er {budget} toe")
    network = None
    if not force:
        if roads is None:
            raise InputError("de plekken kunnen zonder wegen niet worden gecontroleerd; geef ⟨roads⟩, of "
                             "⟨force⟩ als de gemeente de plekken kent")
        from planner.siting.entries import road_network
        network = road_network(roads, policy)
    taken = others_xy
    far = np.array([[np.inf, np.inf]])
    for k, pt in enumerate(positions, start=1):
        if not in_ward([pt], poly)[0]:
            raise InputError(f"plek {k} ligt niet in wijk {name} van aanvraag {request_id}")
        if network is not None:
            problems = target_problems(pt, poly, network, policy, far, taken)
            if problems:
                raise InputError(f"plek {k} {' en '.join(problems)}; kies een andere plek, of gebruik ⟨force⟩ "
                                 "als de gemeente de plek kent")
        taken = np.vstack([taken, [[pt.x, pt.y]]])
    return positions


def _chosen_targets(choice: str, mine, options: dict | None, request_id: str) -> tuple[list, str]:
    """The positions of a choice without positions given: the proposals, or the best choice with or
    without the admin's wish (:func:`wish_options`); and the word for where they came from."""
    if choice == "proposals":
        if mine.empty:
            raise InputError(f"aanvraag {request_id} heeft geen voorgestelde plekken; geef de afgesproken "
                             "plekken met ⟨at⟩ LON,LAT of ⟨at_rd⟩ X,Y (herhaal voor meer borden)")
        return list(mine.geometry.values), "voorstel"
    if options is None:
        raise InputError(f"⟨{choice}⟩ vraagt wegen om de plekken te berekenen; geef ⟨roads⟩")
    alt = options[choice]
    if alt is None:
        raise InputError(f"aanvraag {request_id} heeft geen voorkeursplek van de beheerder; kies "
                         "⟨without_wish⟩ of de voorgestelde plekken")
    if choice == "with_wish" and not any(w["valid"] for w in options["wishes"]):
        why = "; ".join(f"wens {k}: {w['reason']}" for k, w in enumerate(options["wishes"], start=1))
        raise InputError(f"de voorkeursplek van de beheerder van aanvraag {request_id} is niet geldig ({why}); "
                         "kies ⟨without_wish⟩ of de voorgestelde plekken")
    if not alt["proposals"]:
        raise InputError(f"geen geldige plekken {'met' if choice == 'with_wish' else 'zonder'} de wens: "
                         f"{alt['reason']}")
    return ([shapely.Point(p["x"], p["y"]) for p in alt["proposals"]],
            "met wens" if choice == "with_wish" else "zonder wens")


def _record_agreed_signs(con, current: list[dict], targets: list, *, code: str, request_id: str, why: str,
                         date: str, roads) -> list[str]:
    """Move the request's planned signs to ``targets`` (an ``agreed`` event each), add new planned signs
    for extra targets and remove the signs no longer needed; the ids of the signs at ``targets``."""
    kept = []
    for k, pt in enumerate(targets):
        if k < len(current):
            s = current[k]
            old = s["geometry"]
            moved = shapely.distance(old, pt) > SAME_SPOT
            street = (street_at(pt, roads) if roads is not None else "") if moved else s["street"]
            if moved:
                con.execute("UPDATE signs SET geom = ?, street = ?, updated_at = ? WHERE sign_id = ?",
                            (to_blob(pt), street, now(), s["id"]))
            record_sign_event(con, s["id"], "agreed", pt, ward_code=code, request_id=request_id, reason=why,
                              event_date=date, from_xy=(old.x, old.y) if moved else (None, None))
            kept.append(s["id"])
        else:
            sid = free_sign_id(con, f"{request_id}-{k + 1}")
            street = street_at(pt, roads) if roads is not None else ""
            con.execute("INSERT INTO signs (geom, sign_id, status, ward_code, street, placed_on, request_id, "
                        "updated_at) VALUES (?, ?, 'planned', ?, ?, '', ?, ?)",
                        (to_blob(pt), sid, code, street, request_id, now()))
            record_sign_event(con, sid, "agreed", pt, ward_code=code, request_id=request_id, reason=why,
                              event_date=date)
            kept.append(sid)
    for s in current[len(targets):]:
        con.execute("UPDATE signs SET status = 'removed', updated_at = ? WHERE sign_id = ?", (now(), s["id"]))
        record_sign_event(con, s["id"], "removed", s["geometry"], ward_code=code, request_id=request_id,
                          event_date=date, reason="niet nodig volgens de afspraak met de beheerder")
    return kept


__all__ = ["request_info", "show_request", "wish_options", "resolve_request", "agree_positions", "policy_of"]

