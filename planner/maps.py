"""Web maps of wards, signs, requests and decisions, for staff and the public.

Two kinds of page, both Leaflet maps in one HTML file:

* the **overview** (:func:`overview_map`): every ward coloured by status,
  the signs, the open and settled requests, the proposed positions
  numbered by rank, the entry roads and the share of covered residents
  per wijk; ``public=True`` leaves out everything personal;
* one map **per decision** (:func:`decision_map`), zoomed to the ward and
  its neighbours: the request, what the reason names (the signs that cover
  the ward, the roads that are no entry) or the proposals with their
  reasons, and the decision sentence.

Ward status (the legend says the same, in the words of
:mod:`planner.vocabulary`): *gedekt* when the ward holds signs that count
under the policy (:func:`planner.placement.ward_status`); *aanvraag in
behandeling* when it does not, but a request for it is open (approved with
signs still to place, or waiting for review); *niet gedekt* otherwise.

**Light pages at national scale.** The page embeds one JSON object
(:func:`page_data`) that the browser turns into layers
(:mod:`planner.maps_script`): ward borders stored once and quantized as
TopoJSON (:mod:`planner.maps_topology`), points and lines as encoded
integer steps of about a metre, properties as columns with a shared table
of strings, popups built in the page. Wards are drawn on one canvas,
markers are clustered at low zoom on large maps, hidden layers and entry
roads are built when first needed.

**Safety.** The embedded data holds raw text inside a JSON script element
(``<``, ``>``, ``&`` escaped as ``\\u003c``...: it can never close the
element); the page escapes every string (``esc``) before it becomes HTML.
Text that Python puts into the page (title, information box) passes
:func:`esc`. The public map never reads the admins' names, phone numbers or
e-mail addresses and holds no request locations (often a resident's home).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import maps_layers as ml
from . import maps_topology as mt
from .entries import classify_roads, find_entries, road_network
from .geo import RD_NEW
from .placement import Decision
from .wards import assign_wards, counted_signs
from .policy import Policy
from .stats import CoverageStats, coverage_stats, decision_is_open, format_number, format_share
from .vocabulary import (MARKER_NL, OUTCOME_NL, OUTSIDE_WARDS, SIGN_STATUS_NL, UNKNOWN, UNNAMED_ROAD,
                         WARD_STATE_NL, YES_NO, road_class_nl)

SIMPLIFY_TOLERANCE = 2.0  # metres, in RD New
DECIMALS = 5  # 1e-5 degree steps: about 1.1 m north-south, 0.7 m east-west here
ENTRY_ROAD_LENGTH = 120.0  # metres of road highlighted around an entry
ENTRY_CHUNK = 2000  # wards per call of find_entries (bounds the memory at national scale)
PENDING_OUTCOMES = ("approved", "needs_review")
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
    "forRequest": "voor aanvraag", "road": "Weg", "score": "Score", "explanation": "Toelichting",
    "entryRoad": "Invalsweg", "noEntryRoad": "Geen invalsweg", "roadClass": "Wegklasse",
    "coveredShare": "Gedekte inwoners", "coveredResidents": "Inwoners in gedekte buurten",
    "signsPer1000": "Borden per 1.000 inwoners", "unknownPopulation": "Buurten met onbekend inwonertal",
    "unknownGroup": "(onbekende groep)", "andMore": "en nog {n}",
}


def esc(value) -> str:
    """Outside text as safe HTML text (``None``/NaN become an empty string)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# ----------------------------------------------------------------- data


@dataclass
class MapData:
    """Everything the maps show, prepared once (RD New; the page data is made from it).

    ``admins`` (group id -> list of admin dicts) is empty for public maps.
    """

    wards: gpd.GeoDataFrame          # code, name, status, signs, population, wijk_code (RD New)
    signs: gpd.GeoDataFrame          # id, status, street, placed_on, ward_code, counted, request_id
    entry_roads: gpd.GeoDataFrame    # name, road_class, ward_code (RD New lines)
    decisions: list[Decision]
    group_names: dict
    admins: dict
    stats: CoverageStats | None = None
    no_entry_roads: gpd.GeoDataFrame | None = None  # roads a no_entries reason names: name, road_class, ward_code
    topology: dict = field(default_factory=dict)    # all wards (see maps_topology.build_topology)
    grid: mt.Grid | None = None

    def public_view(self) -> "MapData":
        """The same data without any admin's personal data."""
        return replace(self, admins={})


def prepare(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, decisions: list[Decision], *,
            roads: gpd.GeoDataFrame | None = None, groups: pd.DataFrame | None = None,
            policy: Policy | None = None, public: bool = False) -> MapData:
    """Annotate the layers for the maps and build the ward topology once.

    Parameters
    ----------
    wards, signs : GeoDataFrame
        From :mod:`planner.geo` or the register (RD New); ``wards.population``
        (CBS) feeds the coverage per resident.
    decisions : list of Decision
        Made now (:func:`planner.placement.decide_requests`) or recorded.
    roads : GeoDataFrame, optional
        Roads; their entry parts are highlighted.
    groups : DataFrame, optional
        From :func:`planner.geo.load_groups` (one row per admin).
    policy : Policy, optional
        Default: Landsmeer's.
    public : bool
        Drop every admin's personal data before anything else happens.

    Returns
    -------
    MapData
    """
    policy = policy or Policy()
    wards = wards.reset_index(drop=True)
    signs = signs.reset_index(drop=True)
    stats = coverage_stats(wards, signs, policy, decisions=decisions, groups=groups)
    table = stats.wards
    w = gpd.GeoDataFrame({"code": table["code"].to_numpy(), "name": table["name"].to_numpy(),
                          "status": table["state"].to_numpy(), "signs": table["signs"].to_numpy(),
                          "population": table["residents"].array, "wijk_code": table["wijk_code"].array},
                         geometry=wards.geometry.values, crs=RD_NEW)
    s = _sign_table(signs, wards, policy, roads)
    group_names, admins = {}, {}
    if groups is not None:
        group_names = groups.groupby("group_id")["group_name"].first().to_dict()
        if not public:
            cols = [c for c in ("admin_name", "admin_phone", "admin_email") if c in groups]
            for rec in groups[["group_id"] + cols].to_dict("records"):
                admins.setdefault(rec.pop("group_id"), []).append(rec)
    xmin, ymin, _, _ = wards.total_bounds if len(wards) else (0.0, 300000.0, 0, 0)
    grid = mt.Grid.for_bounds(xmin, ymin, 10.0 ** -DECIMALS)
    topology = mt.build_topology(wards.geometry.values, grid, tolerance=SIMPLIFY_TOLERANCE)
    blocked = {d.ward["code"] for d in decisions if d.ward and d.reason_code == "no_entries"}
    return MapData(wards=w, signs=s, entry_roads=_entry_roads(wards, roads, policy),
                   decisions=list(decisions), group_names=group_names, admins=admins, stats=stats,
                   no_entry_roads=_no_entry_roads(wards, roads, policy, blocked), topology=topology, grid=grid)


def _sign_table(signs, wards, policy, roads) -> gpd.GeoDataFrame:
    """Signs with their ward and whether they count (``placement.counted_signs``).

    ``ward_code`` is the first ward the sign counts for (else the ward it
    lies in); ``also_counts_for`` lists further wards it counts for (a sign
    on a shared border counts for both).
    """
    counted = counted_signs(signs, wards, policy, roads)
    first = counted[~counted.index.duplicated()]
    placed = assign_wards(signs[["geometry"]], wards)
    ward = first["ward_code"].reindex(signs.index).to_numpy(dtype=object)
    ward = np.where(pd.isna(ward), placed["ward_code"].to_numpy(dtype=object), ward)
    extra = counted[counted.index.duplicated()]
    also = {}
    for i, code in zip(extra.index, extra["ward_code"]):
        also.setdefault(i, []).append(code)
    out = gpd.GeoDataFrame({
        "id": signs["id"].astype(str).to_numpy(), "status": signs["status"].to_numpy(),
        "street": _text(signs, "street"), "placed_on": _text(signs, "placed_on"),
        "request_id": _text(signs, "request_id"),
        "ward_code": ward, "counted": signs.index.isin(counted.index),
        "also_counts_for": [also.get(i, []) for i in signs.index],
    }, geometry=signs.geometry.values, crs=RD_NEW)
    # the street that counting found (nearest road) for signs that had none
    named = first["street"].reindex(signs.index).fillna("").astype(str).to_numpy()
    out["street"] = np.where(out["street"] == "", named, out["street"])
    return out


def _text(df: pd.DataFrame, column: str) -> np.ndarray:
    if column not in df:
        return np.full(len(df), "", dtype=object)
    return df[column].fillna("").astype(str).to_numpy(dtype=object)


def _empty_roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [], "road_class": [], "ward_code": []}, geometry=[], crs=RD_NEW)


def _entry_roads(wards, roads, policy) -> gpd.GeoDataFrame:
    """The stretch of each entry road within ``ENTRY_ROAD_LENGTH`` of its entry."""
    if roads is None or roads.empty:
        return _empty_roads()
    # per ENTRY_CHUNK wards: the same entries (they are found ward by ward), half the memory
    entries = pd.concat([find_entries(wards.iloc[k:k + ENTRY_CHUNK], roads, policy)
                         for k in range(0, len(wards), ENTRY_CHUNK)], ignore_index=True)
    if entries.empty:
        return _empty_roads()
    idx = entries["road_index"].to_numpy(dtype=int)
    near = shapely.buffer(entries.geometry.values, ENTRY_ROAD_LENGTH, quad_segs=4)
    parts = shapely.intersection(roads.geometry.values[idx], near)
    parts = shapely.simplify(parts, SIMPLIFY_TOLERANCE)
    out = gpd.GeoDataFrame({"name": roads["name"].to_numpy()[idx],
                            "road_class": roads["highway"].to_numpy()[idx],
                            "ward_code": entries["ward_code"].to_numpy()},
                           geometry=parts, crs=RD_NEW)
    return out[~out.geometry.is_empty].reset_index(drop=True)


def _no_entry_roads(wards, roads, policy, codes: set) -> gpd.GeoDataFrame:
    """The roads a ``no_entries`` reason names: every road in or along the ward
    (``entries.road_network(...).near``, as :func:`planner.entries.no_entry_reason` looks)."""
    if roads is None or roads.empty or not codes:
        return _empty_roads()
    network = road_network(roads, policy)
    chosen = wards[wards["code"].isin(codes)]
    road_idx, ward_pos = [], []
    for k, poly in enumerate(chosen.geometry.values):
        near = network.near(poly)
        road_idx.append(near)
        ward_pos.append(np.full(len(near), k))
    road_idx, ward_pos = np.concatenate(road_idx), np.concatenate(ward_pos)
    if not len(road_idx):
        return _empty_roads()
    near = roads.iloc[road_idx]
    around = shapely.buffer(chosen.geometry.values[ward_pos], 60.0)
    out = gpd.GeoDataFrame({"name": near["name"].to_numpy(),
                            "road_class": classify_roads(near, policy)["road_class"].to_numpy(),
                            "ward_code": chosen["code"].to_numpy()[ward_pos]},
                           geometry=shapely.simplify(shapely.intersection(near.geometry.values, around),
                                                     SIMPLIFY_TOLERANCE), crs=RD_NEW)
    return out[~out.geometry.is_empty].reset_index(drop=True)


# ----------------------------------------------------------------- page data


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
    """The Dutch words the page uses, all from :mod:`planner.vocabulary` and this module."""
    return {
        "states": WARD_STATE_NL, "stateKeys": STATE_KEYS,
        "stateStyle": {k: {"colour": c} for k, c in ml.WARD_COLOURS.items()},
        "outcomes": OUTCOME_NL, "outcomeKeys": OUTCOME_KEYS, "signStatus": SIGN_STATUS_NL,
        "markers": MARKER_NL, "layers": LAYER_NL, "labels": POPUP_LABELS, "unknown": UNKNOWN,
        "outside": OUTSIDE_WARDS, "unnamedRoad": UNNAMED_ROAD, "yes": YES_NO[True], "no": YES_NO[False],
        "entryColour": ml.ENTRY_ROAD_COLOUR, "noEntryColour": ml.NO_ENTRY_ROAD_COLOUR,
        "choro": {"steps": [list(s) for s in ml.CHORO_STEPS], "unknown": ml.CHORO_UNKNOWN},
    }


def _nullable(values) -> list:
    return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in values]


def _ward_columns(data: MapData, pos: np.ndarray, strings: _Strings, wijk_index: dict) -> dict:
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


def _wijk_columns(data: MapData, codes) -> tuple[dict | None, dict]:
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
            "street": strings.column(signs["street"]), "date": strings.column(signs["placed_on"]),
            "req": strings.column(signs["request_id"]),
            "w": [ward_pos.get(c, -1) for c in signs["ward_code"]],
            "c": [int(bool(c)) for c in signs["counted"]], "xy": mt.encode_points(xy, grid),
            # further wards a sign counts for (on a shared border): [sign, ward] pairs
            "cx": [[k, ward_pos[c]] for k, codes in enumerate(signs["also_counts_for"]) for c in codes
                   if c in ward_pos]}


def _decision_columns(decisions: list[Decision], open_flags, ward_pos: dict, group_pos: dict,
                      grid, strings: _Strings) -> dict:
    return {"id": [d.request_id for d in decisions], "date": [d.date for d in decisions],
            "g": [group_pos[d.group_id] for d in decisions],
            "w": [ward_pos.get(d.ward["code"], -1) if d.ward else -1 for d in decisions],
            "out": [OUTCOME_KEYS.index(d.outcome) for d in decisions],
            "open": [int(bool(f)) for f in open_flags], "reason": [d.reason for d in decisions],
            "notes": [list(d.notes) for d in decisions],
            "xy": mt.encode_lonlat_points(np.array([[d.lon, d.lat] for d in decisions]), grid)}


def _proposal_columns(decisions: list[Decision], grid, strings: _Strings) -> dict | None:
    cols = {"d": [], "req": [], "rank": [], "road": [], "cls": [], "score": [], "expl": [], "rd": []}
    lonlat = []
    for j, d in enumerate(decisions):
        for p in d.proposals:
            cols["d"].append(j)
            cols["req"].append(d.request_id)  # the public overview has no requests to point to
            cols["rank"].append(int(p["rank"]))
            cols["road"].append(strings.add(p.get("road")))
            cols["cls"].append(strings.add(road_class_nl(p.get("road_class"))))
            score = p.get("score")
            cols["score"].append(None if score is None or (isinstance(score, float) and np.isnan(score))
                                 else round(float(score), 2))
            cols["expl"].append(strings.add(p.get("explanation")))
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


def page_data(data: MapData, *, public: bool, decision: Decision | None = None) -> dict:
    """The JSON object a page embeds (see :mod:`planner.maps_script` for how it is read).

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
        pos, focus = _neighbourhood(data, decision)
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
    proposals = _proposal_columns(decisions, data.grid, strings)
    if proposals:
        out["proposals"] = proposals
    # roads
    entry = data.entry_roads
    no_entry = data.no_entry_roads if data.no_entry_roads is not None else _empty_roads()
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
                   "roadsZoom": ROADS_ZOOM if large else 0, "labelZoom": LABEL_ZOOM, "showSettled": False,
                   "thinBelow": THIN_BELOW_ZOOM}
    out["strings"] = strings.values
    out["words"] = _words()
    return out


def _neighbourhood(data: MapData, decision: Decision) -> tuple[np.ndarray, int | None]:
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


def _decision_signs(data: MapData, decision: Decision) -> gpd.GeoDataFrame:
    """The signs a decision map shows: the ones that cover its ward (what a rejection names)."""
    if decision.signs:
        recs = pd.DataFrame(decision.signs)
        return gpd.GeoDataFrame({
            "id": recs["id"].astype(str), "status": recs["status"],
            "street": _text(recs, "street"), "placed_on": _text(recs, "placed_on"),
            "request_id": _text(recs, "request_id"),
            "ward_code": decision.ward["code"] if decision.ward else None, "counted": True,
            "also_counts_for": [[] for _ in range(len(recs))],
        }, geometry=shapely.points(recs["x"].astype(float), recs["y"].astype(float)), crs=RD_NEW)
    if decision.ward and decision.reason_code == "ward_covered":  # recorded: the ward's counted signs
        s = data.signs
        return s[(s["ward_code"] == decision.ward["code"]) & s["counted"]]
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


# ----------------------------------------------------------------- maps


def _markers_of(d: dict) -> set[str]:
    kinds = set()
    if "signs" in d:
        kinds |= {"gepland" if st else "bord" for st in d["signs"]["st"]}
    if "decisions" in d and not (d["public"] and d["kind"] == "overview"):
        kinds |= {"aanvraag" if o else "afgehandeld" for o in d["decisions"]["open"]}
    if "proposals" in d:
        kinds.add("voorstel")
    return kinds


def _map_from(d: dict, title: str, info: str, bounds, *, keep_info_open: bool = False) -> folium.Map:
    n_points = (len(d["signs"]["id"]) if "signs" in d else 0) + \
        (len(d["decisions"]["id"]) if "decisions" in d else 0) + \
        (len(d["proposals"]["rank"]) if "proposals" in d else 0)
    clusters = d["opts"]["cluster"] and n_points > d["opts"]["clusterMin"]
    d["bounds"] = bounds
    m = ml.new_map(title, cluster=clusters)
    m.get_root().html.add_child(ml.data_element(to_json(d)), name="planner_data")
    entries = "roads" in d and any(d["roads"]["entry"])
    no_entries = "roads" in d and not all(d["roads"]["entry"])
    legend = ml.legend_html(statuses={STATE_KEYS[s] for s in d["wards"]["state"]}, markers=_markers_of(d),
                            entries=entries, no_entries=no_entries, clusters=clusters,
                            choropleth="wijken" in d or "pop" in d["wards"])
    return ml.finish(m, legend=legend, info=ml.info_html(title, info, keep_open=keep_info_open))


def overview_map(data: MapData, *, public: bool = False) -> folium.Map:
    """The overview of all wards (``maps/overzicht.html``); returns a folium Map.

    ``public=True`` shows no request locations and no admin data; pass a
    :class:`MapData` prepared with ``public=True`` (or its ``public_view()``)
    so none is even loaded.
    """
    if public and data.admins:
        raise ValueError("openbare kaart: MapData bevat beheerdersgegevens; gebruik prepare(public=True)")
    title = "Buurtpreventieborden: overzicht" + (" (openbaar)" if public else "")
    d = page_data(data, public=public)
    info = "Klik op een wijk of symbool voor details."
    if public:
        info += "<br>Zonder persoonsgegevens."
    if data.stats is not None:
        tot = data.stats.municipality
        known = f"{format_number(tot['residents'])} inwoners"
        if tot["wards_population_unknown"] and tot["residents"] is not pd.NA:
            n_unknown = tot["wards_population_unknown"]
            known += f" (inwonertal van {n_unknown} {'wijk' if n_unknown == 1 else 'wijken'} onbekend)"
        info += f"<br>{format_number(tot['covered_wards'])} van {format_number(tot['wards'])} wijken gedekt"
        if tot["residents"] is pd.NA:
            info += "; inwonertal onbekend."
        else:
            info += f"; gedekte inwoners: {format_share(tot['covered_share'])} van {known}."
    return _map_from(d, title, info, _bounds(data.wards))


def decision_map(data: MapData, decision: Decision) -> folium.Map:
    """The map of one decision (``maps/aanvraag-<id>.html``), zoomed to its ward.

    Shows the ward and its neighbours, the request location, what the
    reason names (the signs that cover the ward; for ``no_entries`` the
    roads that are no entry) or the proposals with their reasons, the ward's
    entry roads and the decision sentence. It names the group, never its admins.
    """
    title = f"Aanvraag {esc(decision.request_id)}: {OUTCOME_NL[decision.outcome]}"
    public = data.public_view()
    d = page_data(public, public=True, decision=decision)
    code = decision.ward["code"] if decision.ward else None
    if code is not None:
        bounds = _bounds(data.wards[data.wards["code"] == code])
    else:  # outside every ward: show the wards around and the request
        near = data.wards.iloc[_neighbourhood(data, decision)[0]]
        x0, y0, x1, y1 = near.total_bounds
        x0, y0, x1, y1 = min(x0, decision.x), min(y0, decision.y), max(x1, decision.x), max(y1, decision.y)
        bounds = _bounds_rd(x0 - 150, y0 - 150, x1 + 150, y1 + 150)
    name = data.group_names.get(decision.group_id)
    group = f"{esc(name)} ({esc(decision.group_id)})" if name else f"{esc(decision.group_id)} (onbekende groep)"
    ward = f"wijk {esc(decision.ward['name'])}" if decision.ward else OUTSIDE_WARDS
    info = f"Groep {group}, {ward}, {esc(decision.date)}.<br>{esc(decision.reason)}"
    return _map_from(d, title, info, bounds, keep_info_open=True)


def _bounds(wards: gpd.GeoDataFrame):
    return _bounds_rd(*wards.total_bounds)


def _bounds_rd(x0, y0, x1, y1):
    """RD New box -> [[south, west], [north, east]] in WGS84 (the corners of the projected box)."""
    xs = np.array([x0, x1, x0, x1])
    ys = np.array([y0, y0, y1, y1])
    lon, lat = mt._TO_WGS84.transform(xs, ys)
    return [[float(np.min(lat)), float(np.min(lon))], [float(np.max(lat)), float(np.max(lon))]]


def render(m) -> str:
    """The map as one HTML page (indentation and blank lines dropped: a smaller file)."""
    lines = (line.strip() for line in m.get_root().render().splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def decision_file_name(request_id: str) -> str:
    """``aanvraag-<id>.html`` with only safe characters from the id."""
    return f"aanvraag-{re.sub(r'[^A-Za-z0-9_-]', '_', str(request_id))}.html"


def map_pages(wards, signs, decisions, *, roads=None, groups=None, policy=None) -> dict[str, str]:
    """All map pages of a run: file name -> HTML.

    ``overzicht.html`` (internal), ``overzicht-openbaar.html`` (public) and
    ``aanvraag-<id>.html`` per decision.
    """
    internal = prepare(wards, signs, decisions, roads=roads, groups=groups, policy=policy)
    public = internal.public_view()
    pages = {"overzicht.html": render(overview_map(internal)),
             "overzicht-openbaar.html": render(overview_map(public, public=True))}
    for d in decisions:
        name = decision_file_name(d.request_id)
        k = 2
        while name in pages:  # two ids that differ only in unsafe characters
            name = decision_file_name(f"{d.request_id}-{k}")
            k += 1
        pages[name] = render(decision_map(public, d))
    return pages
