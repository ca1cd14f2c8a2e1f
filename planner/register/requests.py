"""Requests, decisions and the life of each sign, recorded in the store.

Each function is one transaction on a :class:`planner.store.Store`. A sign
goes ``proposed`` -> ``approved`` (status ``planned``) -> ``agreed`` (its
position agreed with the admin) -> ``placed``, may be ``relocated`` (with a
reason; the event keeps the old position in ``from_x``/``from_y``) and
``removed``. A request is ``received``, ``decided`` and, for a review,
``resolved`` by staff; its positions are ``agreed`` with the admin
(``request_events``; see :mod:`planner.app.lifecycle`). Events are only ever
appended.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import geopandas as gpd
import shapely

from planner.core.coords import event_date, parse_wishes
from planner.core.request_state import DRAWN_AS_SIGNS, request_state
from planner.core.text import check_text
from planner.core.vocabulary import OUTCOME_NL, REQUEST_STATE_NL
from planner.core.wards import STREET_SEARCH_RADIUS, in_ward, nearest_street
from planner.errors import InputError
from planner.register import groups as register
from planner.register.schema import to_blob
from planner.register.store import (
    EFFECTIVE_DECISIONS,
    Store,
    grow_extent,
    lonlat_of,
    now,
    read_geoframe,
    record_sign_event,
    today,
)

# ----------------------------------------------------------------- requests


def add_request(store: Store, point, group_id: str, *, request_id: str | None = None,
                date: str | None = None, preferred: str = "") -> dict:
    """Record a pending request at ``point`` (RD New) for ``group_id`` (a group in the register).

    ``preferred`` holds the admin's preferred positions as ``lon lat; lon lat``.
    """
    date = event_date(date)
    group_id = register.check_id(group_id, "groep-id")
    preferred = _check_preferred(preferred)
    with store.transaction() as con:
        try:
            register.active_group(con, group_id)
        except InputError:
            raise InputError(f"onbekende groep {group_id!r}; voeg de groep eerst toe met "
                             "'planner group add'") from None
        if request_id:
            request_id = register.check_id(request_id, "aanvraag-id")
            if con.execute("SELECT 1 FROM requests WHERE request_id = ?", (request_id,)).fetchone():
                raise InputError(f"aanvraag {request_id} bestaat al")
        else:
            n = con.execute("SELECT count(*) FROM requests").fetchone()[0] + 1
            while con.execute("SELECT 1 FROM requests WHERE request_id = ?", (f"R{n:04d}",)).fetchone():
                n += 1
            request_id = f"R{n:04d}"
        ward = store.ward_at(con, point)
        con.execute("INSERT INTO requests (geom, request_id, date, group_id, ward_code, preferred, status, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (to_blob(point), request_id, date, group_id, ward, preferred, now()))
        request_event(con, request_id, "received", event_date=date, ward_code=ward)
        grow_extent(con, "requests")
    lon, lat = lonlat_of(point)
    return {"request_id": request_id, "date": date, "group_id": group_id, "ward_code": ward,
            "state": "received", "state_nl": REQUEST_STATES["received"], "x": round(point.x, 1),
            "y": round(point.y, 1), "lon": lon, "lat": lat, "preferred": preferred}


def _check_preferred(text: str) -> str:
    """The admin's preferred positions ``lon lat; lon lat``: WGS84, not swapped, in the Netherlands."""
    text = check_text(text, "⟨preferred⟩")
    parse_wishes(text, "⟨preferred⟩")
    return text


def request_event(con, request_id: str, event: str, *, event_date: str | None = None, outcome: str | None = None,
                  ward_code: str | None = None, reason: str = "", detail: dict | None = None,
                  at: str | None = None) -> None:
    """Append one event to the life of a request (``request_events``; inside a transaction)."""
    con.execute("INSERT INTO request_events (request_id, event, at, event_date, outcome, ward_code, reason, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (request_id, event, at or now(), event_date or today(), outcome, ward_code, reason,
                 json.dumps(detail, ensure_ascii=False) if detail else ""))


# The life of a request: its state now, as a key (JSON) and in Dutch (the one table, planner.core.vocabulary).
REQUEST_STATES = REQUEST_STATE_NL


def request_states(con, request_id: str | None = None) -> dict[str, str]:
    """Request id -> its state (:func:`planner.request_state.request_state`), read inside ``con``.

    ``received`` until decided; then the effective decision (a review resolved
    by staff counts as its resolution): ``needs_review``, ``rejected``, or for
    an approval ``approved_open`` (no positions yet), ``proposed`` (planned
    signs at the proposed positions), ``agreed`` (positions agreed with the
    admin), ``placed`` (every sign of the request placed) or ``signs_removed``.
    """
    where, params = ("WHERE r.request_id = ?", (request_id,)) if request_id else ("", ())
    rows = con.execute(
        "SELECT r.request_id, r.status, e.outcome, "
        "(SELECT count(*) FROM signs s WHERE s.request_id = r.request_id AND s.status != 'removed'), "
        "(SELECT count(*) FROM signs s WHERE s.request_id = r.request_id AND s.status = 'placed'), "
        "(SELECT count(*) FROM signs s WHERE s.request_id = r.request_id), "
        "EXISTS (SELECT 1 FROM request_events a WHERE a.request_id = r.request_id AND a.event = 'agreed') "
        f"FROM requests r LEFT JOIN ({EFFECTIVE_DECISIONS}) e USING (request_id) {where}", params).fetchall()
    return {rid: request_state(None if status == "pending" else outcome, signs=active, placed=placed,
                               recorded=total, agreed=bool(agreed))
            for rid, status, outcome, active, placed, total, agreed in rows}


def list_requests(store: Store, status: str | None = None) -> list[dict]:
    """The requests (``status`` ``pending`` or ``decided`` filters), with their ``state`` and its Dutch word.

    One state field: the register's ``status`` column (pending/decided) is only the filter, never part of
    the answer, so the answer cannot say ``decided`` next to a state that is still open.
    """
    with store.reading() as con:
        df = read_geoframe(con, "SELECT geom, request_id, date, group_id, ward_code, preferred, status FROM requests "
                         + ("WHERE status = ? " if status else "") + "ORDER BY date, fid",
                    (status,) if status else ())
        states = request_states(con)
    return [{k: v for k, v in r.items() if k not in ("geometry", "status")} | {
        "x": round(r["geometry"].x, 1), "y": round(r["geometry"].y, 1),
        "state": states[r["request_id"]], "state_nl": REQUEST_STATES[states[r["request_id"]]]}
        for r in df.to_dict("records")]


# ----------------------------------------------------------------- decisions


def decide_pending(store: Store, decide, policy_name: str) -> list:
    """Decide every pending request and record the decisions, in one transaction.

    ``decide(layers) -> list[Decision]`` gets the store's wards, signs,
    groups, pending requests and open approvals (read inside the write
    transaction, so no other writer can change them meanwhile). Approved
    proposals become signs with status ``planned`` and ``proposed``/``approved``
    events. An approval without proposals records no sign at all (never a
    point taken from the request location, which may be a home): it stays an
    open approval whose positions are to be agreed with the admin, and later
    requests in its ward are rejected naming it.

    The decisions of one run share one ``decided_at`` (the run's time), so
    ``planner brief --all`` finds the letters of one run.
    """
    with store.transaction() as con:
        layers = store.layers(con, pending_only=True)
        if layers["requests"].empty:
            return []
        decisions = decide(layers)
        run = now()
        for d in decisions:
            _record_decision(con, d, policy_name, run)
        for table in ("signs", "sign_events", "proposals"):
            grow_extent(con, table)
    return decisions


def _record_decision(con, d, policy_name: str, at: str | None = None) -> None:
    at = at or now()
    ward = d.ward["code"] if d.ward else None
    con.execute("INSERT INTO decisions (request_id, decided_at, policy, group_id, ward_code, outcome, "
                "reason_code, reason, n_proposals, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (d.request_id, at, policy_name, d.group_id, ward, d.outcome, d.reason_code, d.reason,
                 len(d.proposals), json.dumps(d.notes, ensure_ascii=False)))
    con.execute("UPDATE requests SET status = 'decided' WHERE request_id = ?", (d.request_id,))
    detail = {"reason_code": d.reason_code, "policy": policy_name}
    if d.boundary_wards:
        detail["boundary_wards"] = [w["code"] for w in d.boundary_wards]
    request_event(con, d.request_id, "decided", at=at, event_date=at[:10], outcome=d.outcome, ward_code=ward,
                  reason=d.reason, detail=detail)
    if d.outcome == "approved":
        record_proposals(con, d.request_id, ward, d.proposals, d.reason)


def record_proposals(con, request_id: str, ward: str | None, proposals: list[dict], reason: str) -> list[str]:
    """Record an approval's proposed positions and their planned signs (inside a transaction); the sign ids."""
    ids = []
    for p in proposals:
        sign_id = free_sign_id(con, f"{request_id}-{p.get('rank', 1)}")
        point = shapely.Point(p["x"], p["y"])
        con.execute("INSERT INTO proposals (geom, request_id, rank, sign_id, road, road_class, score, entries, "
                    "explanation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (to_blob(point), request_id, int(p.get("rank", 1)), sign_id, p.get("road", ""),
                     p.get("road_class", ""), p.get("score"), ",".join(map(str, p.get("entries", []))),
                     p.get("explanation", "")))
        con.execute("INSERT INTO signs (geom, sign_id, status, ward_code, street, placed_on, request_id, updated_at) "
                    "VALUES (?, ?, 'planned', ?, ?, '', ?, ?)",
                    (to_blob(point), sign_id, ward, p.get("road", ""), request_id, now()))
        record_sign_event(con, sign_id, "proposed", point, ward_code=ward, request_id=request_id,
               reason=p.get("explanation", ""))
        record_sign_event(con, sign_id, "approved", point, ward_code=ward, request_id=request_id, reason=reason)
        ids.append(sign_id)
    return ids


def free_sign_id(con, wanted: str) -> str:
    """``wanted``, or ``wanted.2``, ``wanted.3``, ... when a sign already has that id."""
    sid, k = wanted, 1
    while con.execute("SELECT 1 FROM signs WHERE sign_id = ?", (sid,)).fetchone():
        k += 1
        sid = f"{wanted}.{k}"
    return sid


# ----------------------------------------------------------------- signs


def place_sign(store: Store, sign_id: str, *, date: str | None = None, note: str = "") -> dict:
    """A planned sign is now on its pole."""
    refuse = {"placed": f"bord {sign_id} is geplaatst, niet gepland; kan niet geplaatst worden",
              "removed": f"bord {sign_id} is verwijderd, niet gepland; kan niet geplaatst worden"}
    with _changing_sign(store, sign_id, date, refuse) as (con, s, date):
        con.execute("UPDATE signs SET status='placed', placed_on=?, updated_at=? WHERE sign_id=?",
                    (date, now(), sign_id))
        record_sign_event(con, sign_id, "placed", s["geometry"], ward_code=s["ward_code"], request_id=s["request_id"],
               reason=note, event_date=date)
    return sign_info(store, sign_id)


@contextmanager
def _changing_sign(store: Store, sign_id: str, date: str | None, refuse: dict):
    """One write transaction on one sign: yields ``(con, sign, date)``.

    ``refuse`` maps a sign status to the error for it; the date (today when
    empty) may not lie in the future nor, when given, before the sign's last
    event.
    """
    given, date = bool(date), event_date(date)
    with store.transaction() as con:
        s = store.sign_row(con, sign_id)
        if s["status"] in refuse:
            raise InputError(refuse[s["status"]])
        _not_before_history(con, sign_id, date, given)
        yield con, s, date


def _required_reason(reason: str | None, verb: str) -> str:
    reason = check_text(reason, "⟨reason⟩")
    if not reason:
        raise InputError(f"{verb} vraagt een reden (⟨reason⟩)")
    return reason


def _not_before_history(con, sign_id: str, date: str, given: bool) -> None:
    """Refuse a date the user gave that lies before the sign's last event."""
    if not given:
        return
    last = con.execute("SELECT MAX(event_date) FROM sign_events WHERE sign_id = ?", (sign_id,)).fetchone()[0]
    if last and date < last:
        raise InputError(f"datum {date} ligt vóór de laatste gebeurtenis van bord {sign_id} ({last})")


def relocate_sign(store: Store, sign_id: str, to=None, *, reason: str, date: str | None = None,
                  chooser=None, roads: gpd.GeoDataFrame | None = None) -> dict:
    """Move a sign within its ward, recording where it stood and why.

    Parameters
    ----------
    to : shapely.Point, optional
        The new position (RD New); must lie in the sign's own ward.
    chooser : callable, optional
        ``chooser(sign_id, layers) -> (Point, str)`` picks the position when
        ``to`` is None (e.g. the best free candidate); the string is added
        to the reason.
    roads : GeoDataFrame, optional
        Roads (RD New, ``name``): the sign's street becomes the street of the
        new position (:func:`planner.wards.nearest_street`, empty when there
        is none). Without roads the street is kept for a move of at most
        ``STREET_SEARCH_RADIUS`` and cleared otherwise.
    """
    reason = _required_reason(reason, "verplaatsen")
    refuse = {"removed": f"bord {sign_id} is verwijderd en kan niet verplaatst worden"}
    with _changing_sign(store, sign_id, date, refuse) as (con, s, date):
        if to is None:
            if chooser is None:
                raise InputError("geef de nieuwe positie met ⟨to⟩ LON,LAT of ⟨to_rd⟩ X,Y")
            to, why = chooser(sign_id, store.layers(con))
            if why:
                reason = f"{reason} ({why})"
        ward_geom, ward_name = store.ward_row(con, s["ward_code"]) if s["ward_code"] else (None, None)
        if ward_geom is None or not in_ward([to], ward_geom)[0]:
            raise InputError(f"nieuwe positie van bord {sign_id} ligt buiten zijn wijk "
                             f"{ward_name or s['ward_code'] or '(geen)'}")
        old = s["geometry"]
        street = street_at(to, roads) if roads is not None else (
            s["street"] if shapely.distance(old, to) <= STREET_SEARCH_RADIUS else "")
        con.execute("UPDATE signs SET geom=?, street=?, updated_at=? WHERE sign_id=?",
                    (to_blob(to), street, now(), sign_id))
        record_sign_event(con, sign_id, "relocated", to, ward_code=s["ward_code"], request_id=s["request_id"],
               reason=reason, event_date=date, from_xy=(old.x, old.y))
        grow_extent(con, "signs")
        grow_extent(con, "sign_events")
    return sign_info(store, sign_id)


def street_at(point, roads: gpd.GeoDataFrame | None) -> str:
    """The street of one point (RD New): :func:`planner.wards.nearest_street`, else ``""``."""
    return str(nearest_street([point], roads)[0])


def remove_sign(store: Store, sign_id: str, *, reason: str, date: str | None = None) -> dict:
    """Take a sign down; it stays in the history."""
    reason = _required_reason(reason, "verwijderen")
    with _changing_sign(store, sign_id, date, {"removed": f"bord {sign_id} is al verwijderd"}) as (con, s, date):
        con.execute("UPDATE signs SET status='removed', updated_at=? WHERE sign_id=?", (now(), sign_id))
        record_sign_event(con, sign_id, "removed", s["geometry"], ward_code=s["ward_code"], request_id=s["request_id"],
               reason=reason, event_date=date)
    return sign_info(store, sign_id)


def sign_info(store: Store, sign_id: str) -> dict:
    with store.reading() as con:
        s = store.sign_row(con, sign_id)
    lon, lat = lonlat_of(s["geometry"])
    return {"id": sign_id, "status": s["status"], "ward_code": s["ward_code"], "street": s["street"],
            "request_id": s["request_id"], "x": round(s["geometry"].x, 1), "y": round(s["geometry"].y, 1),
            "lon": lon, "lat": lat}


def sign_history(store: Store, sign_id: str) -> list[dict]:
    """Every event of a sign, oldest first, with its position then."""
    with store.reading() as con:
        store.sign_row(con, sign_id)
        df = read_geoframe(con, "SELECT geom, event, event_date, at, ward_code, request_id, reason, from_x, from_y "
                         "FROM sign_events WHERE sign_id = ? ORDER BY fid", (sign_id,))
    out = []
    for r in df.to_dict("records"):
        g = r.pop("geometry")
        lon, lat = lonlat_of(g)
        r.update(x=round(g.x, 1), y=round(g.y, 1), lon=lon, lat=lat)
        if r["from_x"] is None:
            r.pop("from_x"), r.pop("from_y")
        else:
            r["from_x"], r["from_y"] = round(r["from_x"], 1), round(r["from_y"], 1)
        out.append(r)
    return out


def recorded_decisions(store: Store) -> list:
    """The decisions recorded in the register, as :class:`planner.placement.Decision`.

    In decision order (request date), with their proposals; the signs that
    blocked a rejection are named in the reason only. A review that staff
    resolved (``planner request resolve``) appears as its resolution
    (outcome, reason, ward), the review's reason kept in its notes; so maps
    and reports show the request's real state. A request whose positions are
    agreed or whose signs are placed (:data:`planner.request_state.DRAWN_AS_SIGNS`)
    has no proposals here: the maps draw its signs.
    """
    from planner.core.coords import to_lonlat
    from planner.placement import Decision

    with store.reading() as con:
        reqs = read_geoframe(con, "SELECT r.geom, r.request_id, r.date, d.group_id, d.ward_code, w.name AS ward_name, "
                           "d.outcome, d.reason_code, d.reason, d.notes, v.outcome AS resolved_outcome, "
                           "v.ward_code AS resolved_ward, rw.name AS resolved_ward_name, v.event_date AS resolved_on, "
                           "v.reason AS resolution, v.detail AS resolution_detail FROM decisions d "
                           "JOIN requests r USING (request_id) LEFT JOIN wards w ON w.code = d.ward_code "
                           "LEFT JOIN request_events v ON v.request_id = d.request_id AND v.event = 'resolved' "
                           "LEFT JOIN wards rw ON rw.code = v.ward_code "
                           "ORDER BY r.date, d.fid")
        props = read_geoframe(con, "SELECT geom, request_id, rank, road, road_class, score, entries, explanation "
                            "FROM proposals ORDER BY request_id, rank")
        states = request_states(con)
    if reqs.empty:
        return []
    rlon, rlat = to_lonlat(reqs.geometry)
    by_request: dict[str, list[dict]] = {}
    if not props.empty:
        plon, plat = to_lonlat(props.geometry)
        for i, p in enumerate(props.to_dict("records")):
            by_request.setdefault(p["request_id"], []).append({
                "rank": int(p["rank"]), "x": round(p["geometry"].x, 1), "y": round(p["geometry"].y, 1),
                "lon": round(float(plon[i]), 7), "lat": round(float(plat[i]), 7), "road": p["road"],
                "road_class": p["road_class"], "score": p["score"],
                "entries": [e for e in (p["entries"] or "").split(",") if e],
                "explanation": p["explanation"]})
    out = []
    for i, r in enumerate(reqs.to_dict("records")):
        ward = {"code": r["ward_code"], "name": r["ward_name"]} if r["ward_code"] else None
        if r["resolved_outcome"] is not None:  # a review resolved by staff: the resolution counts
            notes = json.loads(r["notes"] or "[]")
            r["notes"] = json.dumps([f"Eerder besluit: ter beoordeling ({r['reason']})"] + notes, ensure_ascii=False)
            detail = json.loads(r["resolution_detail"] or "{}")
            r["outcome"], r["reason_code"] = r["resolved_outcome"], detail.get("reason_code", "review_resolved")
            # fixed words (a register of before issue 21 may have the staff's reason in the sentence: left out)
            r["reason"] = (detail.get("decision_reason") or "").replace(f": {r['resolution']}", "") or \
                f"Na beoordeling door de gemeente {OUTCOME_NL[r['outcome']]}."
            ward = {"code": r["resolved_ward"], "name": r["resolved_ward_name"]} if r["resolved_ward"] else None
        out.append(Decision(
            request_id=r["request_id"], date=r["date"], group_id=r["group_id"], outcome=r["outcome"],
            reason_code=r["reason_code"], reason=r["reason"], ward=ward,
            x=round(r["geometry"].x, 1), y=round(r["geometry"].y, 1),
            lon=round(float(rlon[i]), 7), lat=round(float(rlat[i]), 7),
            # agreed or placed: shown as its signs, never as its earlier proposals
            proposals=[] if states.get(r["request_id"]) in DRAWN_AS_SIGNS else by_request.get(r["request_id"], []),
            notes=json.loads(r["notes"] or "[]")))
    return out


def signs_frame(store: Store) -> gpd.GeoDataFrame:
    with store.reading() as con:
        return read_geoframe(con, "SELECT geom, sign_id, status, ward_code, street, placed_on, request_id, updated_at "
                           "FROM signs ORDER BY sign_id")


__all__ = ["add_request", "list_requests", "request_states", "REQUEST_STATES", "decide_pending", "place_sign", "relocate_sign", "remove_sign",
           "sign_history", "sign_info", "signs_frame", "recorded_decisions"]
