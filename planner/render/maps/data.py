"""The data a map page embeds: one JSON object, compact and safe inside ``<script>``.

:func:`page_data` turns a :class:`planner.maps.MapData` into what
:mod:`planner.render.maps.script` reads in the browser:

* ``topo``: the wards as TopoJSON with encoded arcs (:mod:`planner.render.maps.topology`);
* ``wards``, ``wijken``, ``signs``, ``decisions``, ``proposals``, ``roads``:
  columns (one list per property, one entry per feature); repeated text
  (streets, road names and classes, dates) is an index into ``strings``;
  points and lines are encoded integer steps of ``grid``;
* ``groups``/``admins`` (internal only) and ``wardGroups`` (public: the
  active groups per ward, by name);
* ``words``: every Dutch word the page shows (:mod:`planner.core.vocabulary`);
* ``opts`` and ``bounds``: clustering, zooms and the first view.

Outside text is stored raw and escaped by the page when it becomes HTML;
:func:`to_json` writes JSON that cannot close its ``<script>`` element.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.coords import RD_NEW
from planner.core.coverage import decision_is_open
from planner.core.vocabulary import (
    MARKER_NL,
    OUTCOME_NL,
    OUTSIDE_WARDS,
    SHARED_POLE_NL,
    SIGN_STATUS_NL,
    UNKNOWN,
    UNNAMED_ROAD,
    WARD_STATE_NL,
    YES_NO,
    date_nl,
    road_class_nl,
)
from planner.core.wards import text_column
from planner.placement import Decision
from planner.render.maps import layers as ml
from planner.render.maps import topology as mt

CLUSTER_MIN_POINTS = 1500   # more markers than this: clustered below CLUSTER_ZOOM
CLUSTER_ZOOM = 15
LARGE_MAP_WARDS = 1000      # more wards than this: entry roads only from ROADS_ZOOM on
ROADS_ZOOM = 13
LABEL_ZOOM = 11             # ward names from this zoom on (when the name fits in the ward)
THIN_BELOW_ZOOM = 11        # ward borders are hairlines below this zoom
NEIGHBOURHOOD = 0.5         # decision map: wards within the ward's box grown by half its size
STATE_KEYS = list(WARD_STATE_NL)
OUTCOME_KEYS = list(OUTCOME_NL)

LAYER_NL = {
    "wards": "Wijken", "signs": "Borden", "openRequests": "Aanvragen in behandeling",
    "settledRequests": "Aanvragen afgehandeld", "proposals": "Voorgestelde plekken",
    "entryRoads": "Invalswegen", "noEntryRoads": "Wegen zonder invalsweg",
    "choropleth": "Gedekte inwoners per wijk",
}
POPUP_LABELS = {
    "ward": "Wijk", "status": "Status", "countedSigns": "Borden die meetellen", "residents": "Inwoners",
    "wijk": "CBS-wijk", "shareOf": "{share} van {residents} inwoners gedekt", "activeGroups": "Actieve groepen",
    "request": "Aanvraag", "of": "van", "group": "Groep", "decision": "Besluit", "reason": "Reden",
    "notes": "Opmerkingen", "admins": "Beheerders (intern)", "sign": "Bord", "street": "Straat",
    "placedOn": "Geplaatst op", "counts": "Telt mee voor de dekking", "proposal": "Voorstel",
    "forRequest": "voor aanvraag", "road": "Weg", "place": "Plek",
    "inside": "{m} m binnen de wijkgrens, voor wie de wijk in rijdt",
    "sharedPole": SHARED_POLE_NL[0].upper() + SHARED_POLE_NL[1:] + " (paal van bord {sign})",
    "covers": "Dekt", "coversEntries": "{n} van de {of} invalswegen van de wijk",
    "coversEntriesNoTotal": "{n} invalsweg(en) van de wijk", "entryRoads": "invalsweg: {roads}",
    "latLon": "Coördinaten (breedte, lengte)", "rd": "RD-coördinaten (x, y)", "wardCode": "wijkcode",
    "groupCode": "groepsnummer",
    "entryRoad": "Invalsweg", "noEntryRoad": "Geen invalsweg", "roadClass": "Wegklasse",
    "coveredShare": "Gedekte inwoners", "coveredResidents": "Inwoners in gedekte buurten",
    "signsPer1000": "Borden per 1.000 inwoners", "unknownPopulation": "Buurten met onbekend inwonertal",
    "unknownGroup": "(onbekende groep)", "andMore": "en nog {n}",
}
# The public map's address search (PDOK Locatieserver, from the browser).
SEARCH_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
SEARCH_NL = {
    "title": "Is mijn buurt al gedekt?",
    "placeholder": "bv. 1121 CA 1",
    "button": "Zoeken",
    "label": "Postcode of adres",
    "empty": "Vul een postcode met huisnummer of een adres in.",
    "busy": "Zoeken...",
    "gedekt": "{address} ligt in wijk {ward}. Deze wijk is gedekt: er hangen al borden van "
              "WhatsApp-buurtpreventie.",
    "in_behandeling": "{address} ligt in wijk {ward}. Voor deze wijk loopt een aanvraag voor borden.",
    "niet_gedekt": "{address} ligt in wijk {ward}. In deze wijk hangen nog geen borden. Een beheerder van "
                   "een WhatsApp-groep in de wijk kan ze bij de gemeente aanvragen.",
    "outside": "{address} ligt niet in een van de wijken op deze kaart.",
    "notFound": "Geen adres gevonden bij '{query}'. Probeer een postcode met huisnummer, "
                "bijvoorbeeld 1121 CA 1.",
    "unreachable": "De adreszoeker (PDOK Locatieserver) is nu niet bereikbaar. Zoek uw buurt op de kaart, "
                   "of probeer het later opnieuw.",
    "source": "Adressen: PDOK Locatieserver (Kadaster)",
}
def empty_roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [], "road_class": [], "ward_code": []}, geometry=[], crs=RD_NEW)


class _Strings:
    """A table of strings shared by all columns (a street named 30,000 times is stored once)."""

    def __init__(self):
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, value) -> int:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return -1
        text = str(value)
        if text == "":
            return -1
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.values)
            self.values.append(text)
        return found

    def column(self, values) -> list[int]:
        return [self.add(v) for v in values]


def _words() -> dict:
    """The Dutch words the page uses, all from :mod:`planner.core.vocabulary` and this module."""
    return {
        "states": WARD_STATE_NL, "stateKeys": STATE_KEYS,
        "stateStyle": {k: {"colour": c} for k, c in ml.WARD_COLOURS.items()},
        "outcomes": OUTCOME_NL, "outcomeKeys": OUTCOME_KEYS, "signStatus": SIGN_STATUS_NL,
        "markers": MARKER_NL, "layers": LAYER_NL, "labels": POPUP_LABELS, "unknown": UNKNOWN,
        "outside": OUTSIDE_WARDS, "unnamedRoad": UNNAMED_ROAD, "yes": YES_NO[True], "no": YES_NO[False],
        "entryColour": ml.ENTRY_ROAD_COLOUR, "noEntryColour": ml.NO_ENTRY_ROAD_COLOUR,
        "basemapUnavailable": ml.BASEMAP_UNAVAILABLE, "search": SEARCH_NL, "searchUrl": SEARCH_URL,
        "choro": {"steps": [list(s) for s in ml.CHORO_STEPS], "unknown": ml.CHORO_UNKNOWN},
    }


def _nullable(values) -> list:
    return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in values]


def _ward_columns(data, pos: np.ndarray, strings: _Strings, wijk_index: dict) -> dict:
    w = data.wards.iloc[pos]
    labels = shapely.point_on_surface(w.geometry.values)
    out = {"code": w["code"].astype(str).tolist(), "name": w["name"].astype(str).tolist(),
           "state": [STATE_KEYS.index(s) for s in w["status"]],
           "label": mt.encode_points(shapely.get_coordinates(labels), data.grid)}
    pop = w["population"]
    if pop.notna().any():
        out["pop"] = _nullable([None if pd.isna(v) else int(v) for v in pop])
    if wijk_index:
        out["wijk"] = [wijk_index.get(c, -1) if not pd.isna(c) else -1 for c in w["wijk_code"]]
    return out


def _wijk_columns(data, codes) -> tuple[dict | None, dict]:
    if data.stats is None or data.stats.wijken.empty:
        return None, {}
    wk = data.stats.wijken
    wk = wk[wk["wijk_code"].isin(set(codes))].reset_index(drop=True)
    if wk.empty:
        return None, {}
    index = {c: i for i, c in enumerate(wk["wijk_code"])}
    cols = {"code": wk["wijk_code"].astype(str).tolist(), "name": wk["wijk_name"].astype(str).tolist(),
            "share": _nullable(wk["covered_share"]), "residents": _nullable(wk["residents"]),
            "covered": _nullable(wk["covered_residents"]), "per1000": _nullable(wk["signs_per_1000"]),
            "unknown": wk["wards_population_unknown"].astype(int).tolist()}
    return cols, index


def _sign_columns(signs: pd.DataFrame, xy: np.ndarray, ward_pos: dict, grid, strings: _Strings) -> dict:
    return {"id": signs["id"].astype(str).tolist(),
            "st": [0 if s == "placed" else 1 for s in signs["status"]],
            "street": strings.column(signs["street"]), "date": strings.column(date_nl(v) for v in signs["placed_on"]),
            "req": strings.column(signs["request_id"]),
            "w": [ward_pos.get(c, -1) for c in signs["ward_code"]],
            "c": [int(bool(c)) for c in signs["counted"]], "xy": mt.encode_points(xy, grid),
            # further wards a sign counts for (on a shared border): [sign, ward] pairs
            "cx": [[k, ward_pos[c]] for k, codes in enumerate(signs["also_counts_for"]) for c in codes
                   if c in ward_pos]}


def _decision_columns(decisions: list[Decision], open_flags, ward_pos: dict, group_pos: dict,
                      grid, strings: _Strings) -> dict:
    return {"id": [d.request_id for d in decisions], "date": [date_nl(d.date) for d in decisions],
            "g": [group_pos[d.group_id] for d in decisions],
            "w": [ward_pos.get(d.ward["code"], -1) if d.ward else -1 for d in decisions],
            "out": [OUTCOME_KEYS.index(d.outcome) for d in decisions],
            "open": [int(bool(f)) for f in open_flags], "reason": [d.reason for d in decisions],
            "notes": [list(d.notes) for d in decisions],
            "xy": mt.encode_lonlat_points(np.array([[d.lon, d.lat] for d in decisions]), grid)}


def _proposal_columns(decisions: list[Decision], grid, strings: _Strings, entry_roads: dict | None = None,
                      entries_per_ward: dict | None = None) -> dict | None:
    """The proposals, each in words: its id (``A008-1``), road, distance inside the ward, the entry
    roads it covers out of the ward's entries, lat/lon and RD New (no score, no entry codes)."""
    entry_roads, entries_per_ward = entry_roads or {}, entries_per_ward or {}
    cols = {"d": [], "req": [], "rank": [], "id": [], "road": [], "cls": [], "clear": [], "n": [], "of": [],
            "via": [], "shared": [], "ll": [], "rd": []}
    lonlat = []
    for j, d in enumerate(decisions):
        for p in d.proposals:
            cols["d"].append(j)
            cols["req"].append(d.request_id)  # the public overview has no requests to point to
            cols["rank"].append(int(p["rank"]))
            cols["id"].append(f"{d.request_id}-{int(p['rank'])}")  # as the sign will be called
            cols["road"].append(strings.add(p.get("road")))
            cols["cls"].append(strings.add(road_class_nl(p.get("road_class"))))
            clear = p.get("clearance")
            cols["clear"].append(None if clear is None or pd.isna(clear) else round(float(clear)))
            covered = [str(e) for e in (p.get("entries") or [])]
            cols["n"].append(len(covered))
            total = entries_per_ward.get(d.ward["code"]) if d.ward else None
            cols["of"].append(int(total) if total else None)
            names = list(dict.fromkeys(entry_roads[e] or UNNAMED_ROAD for e in covered if e in entry_roads))
            cols["via"].append([strings.add(n) for n in names])
            pole = p.get("shared_pole") or {}
            cols["shared"].append(strings.add(pole.get("sign_id")) if pole.get("sign_id") else None)
            cols["ll"] += [round(float(p["lat"]), 5), round(float(p["lon"]), 5)]
            cols["rd"] += [int(round(float(p["x"]))), int(round(float(p["y"])))]
            lonlat.append([float(p["lon"]), float(p["lat"])])
    if not lonlat:
        return None
    cols["xy"] = mt.encode_lonlat_points(np.array(lonlat), grid)
    return cols


def _road_columns(roads: pd.DataFrame, entry: bool, ward_pos: dict, grid, strings: _Strings) -> dict:
    return {"name": strings.column(roads["name"]),
            "cls": strings.column([road_class_nl(c) for c in roads["road_class"]]),
            "w": [ward_pos.get(c, -1) for c in roads["ward_code"]], "entry": [int(entry)] * len(roads),
            "line": mt.encode_lines(roads.geometry.values, grid)}


def _merge_roads(a: dict | None, b: dict | None) -> dict | None:
    if not a or not a["name"]:
        return b if b and b["name"] else None
    if not b or not b["name"]:
        return a
    return {k: a[k] + b[k] for k in a}


def page_data(data, *, public: bool, decision: Decision | None = None) -> dict:
    """The JSON object a page embeds (see :mod:`planner.render.maps.script` for how it is read).

    The overview holds every ward; a decision map holds the ward of the
    decision and its neighbours. Public pages (``public=True``) hold no
    requests at all; a decision map holds only its own request, without
    admins.
    """
    strings = _Strings()
    n = len(data.wards)
    focus = None
    if decision is None:
        pos = np.arange(n)
    else:
        pos, focus = neighbourhood(data, decision)
    codes = data.wards["code"].to_numpy()[pos]
    ward_pos = {c: i for i, c in enumerate(codes)}
    wijken, wijk_index = _wijk_columns(data, data.wards["wijk_code"].to_numpy()[pos])
    topo = data.topology if decision is None else mt.subset(data.topology, pos)
    out = {"v": 1, "kind": "overview" if decision is None else "decision", "public": bool(public),
           "grid": {"origin": list(data.grid.origin), "q": data.grid.quantum},
           "topo": topo, "wards": _ward_columns(data, pos, strings, wijk_index)}
    if wijken:
        out["wijken"] = wijken
    if focus is not None:
        out["focus"] = focus
    # signs
    if decision is None:
        signs = data.signs
    else:
        signs = _decision_signs(data, decision)
    if len(signs):
        out["signs"] = _sign_columns(signs, shapely.get_coordinates(signs.geometry.values), ward_pos,
                                     data.grid, strings)
    # groups and requests
    decisions = data.decisions if decision is None else [decision]
    group_ids = sorted({d.group_id for d in decisions}, key=str)
    group_pos = {g: i for i, g in enumerate(group_ids)}
    out["groups"] = {"id": group_ids, "name": [data.group_names.get(g) for g in group_ids]}
    if public and decision is None:
        pairs = sorted({(ward_pos[d.ward["code"]], group_pos[d.group_id]) for d in decisions
                        if d.ward and d.ward["code"] in ward_pos and d.group_id in data.group_names})
        out["wardGroups"] = [list(p) for p in pairs]
    else:
        flags = decision_is_open(decisions, data.signs)
        out["decisions"] = _decision_columns(decisions, flags, ward_pos, group_pos, data.grid, strings)
        if not public and data.admins:
            out["admins"] = {group_pos[g]: [[a.get(k) or "" for k in ("admin_name", "admin_phone", "admin_email")]
                                            for a in people]
                             for g, people in data.admins.items() if g in group_pos}
    proposals = _proposal_columns(decisions, data.grid, strings, getattr(data, "entry_roads_by_id", None),
                                  getattr(data, "entries_per_ward", None))
    if proposals:
        out["proposals"] = proposals
    # roads
    entry = data.entry_roads
    no_entry = data.no_entry_roads if data.no_entry_roads is not None else empty_roads()
    if decision is not None:
        code = decision.ward["code"] if decision.ward else None
        entry = entry[entry["ward_code"] == code]
        no_entry = no_entry[no_entry["ward_code"] == code] if decision.reason_code == "no_entries" \
            else no_entry.iloc[:0]
    else:
        no_entry = no_entry.iloc[:0]  # the overview shows entries; what is no entry belongs to a decision
    roads = _merge_roads(_road_columns(entry, True, ward_pos, data.grid, strings) if len(entry) else None,
                         _road_columns(no_entry, False, ward_pos, data.grid, strings) if len(no_entry) else None)
    if roads:
        out["roads"] = roads
    large = n > LARGE_MAP_WARDS and decision is None
    out["opts"] = {"cluster": decision is None, "clusterMin": CLUSTER_MIN_POINTS, "clusterZoom": CLUSTER_ZOOM,
                   "roadsZoom": ROADS_ZOOM if large else 0, "labelZoom": LABEL_ZOOM,
                   "showSettled": decision is not None,  # a request's own map always shows it
                   "thinBelow": THIN_BELOW_ZOOM}
    out["strings"] = strings.values
    out["words"] = _words()
    return out


def neighbourhood(data, decision: Decision) -> tuple[np.ndarray, int | None]:
    """Positions of the decision's ward and its neighbours, and the ward's position among them."""
    codes = data.wards["code"].to_numpy()
    if not decision.ward:  # outside every ward: the wards around the request
        pt = shapely.Point(decision.x, decision.y)
        box = shapely.buffer(pt, 1500.0)
        pos = np.flatnonzero(shapely.intersects(data.wards.geometry.values, box))
        if len(pos) == 0:
            d = shapely.distance(data.wards.geometry.values, pt)
            pos = np.argsort(d)[:10]
        return np.sort(pos), None
    k = int(np.flatnonzero(codes == decision.ward["code"])[0])
    x0, y0, x1, y1 = shapely.bounds(data.wards.geometry.values[k])
    grow = max(NEIGHBOURHOOD * max(x1 - x0, y1 - y0), 300.0)
    box = shapely.box(x0 - grow, y0 - grow, x1 + grow, y1 + grow)
    tree = shapely.STRtree(data.wards.geometry.values)
    pos = np.sort(tree.query(box, predicate="intersects"))
    return pos, int(np.flatnonzero(pos == k)[0])


def _decision_signs(data, decision: Decision) -> gpd.GeoDataFrame:
    """The signs a decision map shows: the ones that cover its ward (what a rejection names), or
    for an approval drawn as its signs (agreed or placed, no proposals) the request's own signs."""
    if decision.signs:
        recs = pd.DataFrame(decision.signs)
        return gpd.GeoDataFrame({
            "id": recs["id"].astype(str), "status": recs["status"],
            "street": text_column(recs, "street"), "placed_on": text_column(recs, "placed_on"),
            "request_id": text_column(recs, "request_id"),
            "ward_code": decision.ward["code"] if decision.ward else None, "counted": True,
            "also_counts_for": [[] for _ in range(len(recs))],
        }, geometry=shapely.points(recs["x"].astype(float), recs["y"].astype(float)), crs=RD_NEW)
    if decision.ward and decision.reason_code == "ward_covered":  # recorded: the ward's counted signs
        s = data.signs
        return s[(s["ward_code"] == decision.ward["code"]) & s["counted"]]
    if decision.outcome == "approved" and not decision.proposals:  # agreed or placed: its own signs
        s = data.signs
        return s[s["request_id"] == decision.request_id]
    return data.signs.iloc[:0]


def to_json(obj) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (no ``<``, ``>``, ``&`` as such)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_DATA_RE = re.compile(r'<script type="application/json" id="pl-data">(.*?)</script>', re.S)


def read_page_data(page: str) -> dict:
    """The data a map page embeds (for tests, benchmarks and checks)."""
    match = _DATA_RE.search(page)
    if not match:
        raise ValueError("geen kaartgegevens in deze pagina")
    return json.loads(match.group(1))
