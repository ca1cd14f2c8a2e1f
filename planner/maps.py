"""Web maps of wards, signs, requests and decisions, for staff and the public.

Two kinds of page, both Leaflet maps written by folium:

* the **overview** (:func:`overview_map`): every ward coloured by status,
  the existing signs, the pending requests, the proposed positions numbered
  by rank and the entry roads, with tooltips, popups, a legend and a layer
  control; ``public=True`` leaves out everything personal;
* one map **per decision** (:func:`decision_map`), zoomed to the ward: the
  request location, the signs that cover the ward or the proposals with
  their reasons, and the decision sentence.

Ward status (the legend says the same): *gedekt* when the ward holds signs
that count under the policy; *aanvraag in behandeling* when it does not, but a
request for it was approved (signs not placed yet) or waits for review;
*niet gedekt* otherwise.

Safety: every name or free text from the input files passes :func:`esc`
(``html.escape``) before it reaches the page, because Leaflet's tooltips and
popups insert it as HTML. The public map never reads the admins' names,
phone numbers or e-mail addresses, and shows no request locations (often a
resident's home). Only properties the map shows are embedded; geometry is
simplified in RD New and coordinates are rounded to about a metre.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import maps_layers as ml
from .entries import find_entries
from .geo import RD_NEW, WGS84
from .placement import STATUS_NL as SIGN_STATUS_NL, Decision, assign_wards, ward_status
from .policy import Policy, road_class_nl

SIMPLIFY_TOLERANCE = 2.0  # metres, in RD New
DECIMALS = 5  # 1e-5 degree: about 1.1 m north-south, 0.7 m east-west here
ENTRY_ROAD_LENGTH = 120.0  # metres of road highlighted around an entry
OUTCOME_NL = {"approved": "toegekend", "rejected": "afgewezen", "needs_review": "ter beoordeling"}
PENDING_OUTCOMES = ("approved", "needs_review")


def esc(value) -> str:
    """Outside text as safe HTML text (``None``/NaN become an empty string)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# ----------------------------------------------------------------- data


@dataclass
class MapData:
    """Everything the maps show, prepared once: WGS84, simplified, rounded.

    ``admins`` (group id -> list of admin dicts) is empty for public maps.
    """

    wards: gpd.GeoDataFrame          # code, name, status, signs, geometry (WGS84)
    signs: gpd.GeoDataFrame          # id, status, street, placed_on, ward_code (WGS84)
    entry_roads: gpd.GeoDataFrame    # name, road_class, ward_code (WGS84 lines)
    decisions: list[Decision]
    group_names: dict
    admins: dict


def prepare(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, decisions: list[Decision], *,
            roads: gpd.GeoDataFrame | None = None, groups: pd.DataFrame | None = None,
            policy: Policy | None = None, public: bool = False) -> MapData:
    """Project, simplify and annotate the layers for the maps.

    Parameters
    ----------
    wards, signs : GeoDataFrame
        From :mod:`planner.geo` (RD New).
    decisions : list of Decision
        From :func:`planner.placement.decide_requests`.
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
    status = ward_status(wards, signs, policy)
    pending = {d.ward["code"] for d in decisions if d.ward and d.outcome in PENDING_OUTCOMES}
    codes = status["code"].to_numpy()
    state = np.where(status["covered"].to_numpy(), "gedekt",
                     np.where(np.isin(codes, list(pending)), "in_behandeling", "niet_gedekt"))
    w = gpd.GeoDataFrame({"code": codes, "name": status["name"].to_numpy(), "status": state,
                          "signs": status["signs"].to_numpy()},
                         geometry=shapely.simplify(wards.geometry.values, SIMPLIFY_TOLERANCE,
                                                   preserve_topology=True), crs=RD_NEW)
    s = assign_wards(signs[["id", "status", "street", "placed_on", "geometry"]], wards)
    group_names, admins = {}, {}
    if groups is not None:
        group_names = groups.groupby("group_id")["group_name"].first().to_dict()
        if not public:
            cols = [c for c in ("admin_name", "admin_phone", "admin_email") if c in groups]
            admins = {gid: g[cols].to_dict("records") for gid, g in groups.groupby("group_id")}
    return MapData(wards=_wgs84(w), signs=_wgs84(s), entry_roads=_wgs84(_entry_roads(wards, roads, policy)),
                   decisions=list(decisions), group_names=group_names, admins=admins)


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """To WGS84 with coordinates rounded to ``DECIMALS`` (about 1 m)."""
    out = gdf.to_crs(WGS84)
    out.geometry = shapely.transform(out.geometry.values, lambda c: np.round(c, DECIMALS))
    return out


def _entry_roads(wards, roads, policy) -> gpd.GeoDataFrame:
    """The stretch of each entry road within ``ENTRY_ROAD_LENGTH`` of its entry."""
    empty = gpd.GeoDataFrame({"name": [], "road_class": [], "ward_code": []},
                             geometry=[], crs=RD_NEW)
    if roads is None or roads.empty:
        return empty
    entries = find_entries(wards, roads, policy)
    if entries.empty:
        return empty
    idx = entries["road_index"].to_numpy(dtype=int)
    near = shapely.buffer(entries.geometry.values, ENTRY_ROAD_LENGTH)
    parts = shapely.intersection(roads.geometry.values[idx], near)
    parts = shapely.simplify(parts, SIMPLIFY_TOLERANCE)
    out = gpd.GeoDataFrame({"name": roads["name"].to_numpy()[idx],
                            "road_class": roads["highway"].to_numpy()[idx],
                            "ward_code": entries["ward_code"].to_numpy()},
                           geometry=parts, crs=RD_NEW)
    return out[~out.geometry.is_empty].reset_index(drop=True)


# ----------------------------------------------------------------- features


def _features(gdf: gpd.GeoDataFrame, props: list[dict]) -> list[dict]:
    """GeoJSON features with exactly ``props`` as properties (nothing else embedded)."""
    geoms = shapely.to_geojson(gdf.geometry.values)
    return [{"type": "Feature", "id": i, "properties": p, "geometry": json.loads(g)}
            for i, (p, g) in enumerate(zip(props, geoms))]


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(float(lon), DECIMALS), round(float(lat), DECIMALS)]}


def _rows(pairs) -> str:
    """Popup rows from (label, escaped value) pairs; empty values are left out."""
    return "".join(f"<b>{label}:</b> {value}<br>" for label, value in pairs if value != "")


def _admins_html(data: MapData, group_id: str) -> str:
    people = data.admins.get(group_id, [])
    if not people:
        return ""
    items = "".join(
        "<li>" + " &middot; ".join(v for v in (esc(a.get("admin_name")), esc(a.get("admin_phone")),
                                               esc(a.get("admin_email"))) if v) + "</li>"
        for a in people)
    return f"<b>Beheerders (intern):</b><ul style=\"margin:0;padding-left:16px\">{items}</ul>"


def _group_label(data: MapData, group_id: str) -> str:
    name = data.group_names.get(group_id)
    return f"{esc(name)} ({esc(group_id)})" if name else f"{esc(group_id)} (onbekende groep)"


def ward_features(data: MapData, *, public: bool, only: str | None = None) -> list[dict]:
    """Ward polygons with tooltip (name, status) and popup (details, groups)."""
    by_ward: dict[str, list[Decision]] = {}
    for d in data.decisions:
        if d.ward:
            by_ward.setdefault(d.ward["code"], []).append(d)
    w = data.wards if only is None else data.wards[data.wards["code"] == only]
    props = []
    for row in w.itertuples():
        status = ml.STATUS_NL[row.status]
        tip = f"{esc(row.name)}: {status}"
        lines = [("Wijk", f"{esc(row.name)} ({esc(row.code)})"), ("Status", status),
                 ("Borden", str(row.signs))]
        mine = by_ward.get(row.code, [])
        if public:
            groups = sorted({_group_label(data, d.group_id) for d in mine if d.group_id in data.group_names})
            lines.append(("Actieve groepen", ", ".join(groups)))
        else:
            lines += [("Aanvraag " + esc(d.request_id), f"{_group_label(data, d.group_id)}, "
                       f"{esc(d.date)}: {OUTCOME_NL[d.outcome]}") for d in mine]
        props.append({"tip": tip, "pop": _rows(lines), "status": row.status})
    return _features(w, props)


def sign_features(signs: list[dict] | gpd.GeoDataFrame) -> list[dict]:
    """Sign markers (``bord`` or ``gepland``) from a signs frame or sign records."""
    if isinstance(signs, gpd.GeoDataFrame):
        recs = [{"id": r.id, "status": r.status, "street": r.street, "placed_on": r.placed_on,
                 "lon": r.geometry.x, "lat": r.geometry.y} for r in signs.itertuples()]
    else:
        recs = signs
    feats = []
    for i, s in enumerate(recs):
        status = SIGN_STATUS_NL.get(s["status"], s["status"])
        street = esc(s.get("street"))
        extra = f" (aanvraag {esc(s['request_id'])})" if s.get("request_id") else ""
        pop = _rows([("Bord", esc(s["id"])), ("Status", esc(status) + extra), ("Straat", street),
                     ("Geplaatst op", esc(s.get("placed_on")))])
        feats.append({"type": "Feature", "id": i, "geometry": _point(s["lon"], s["lat"]),
                      "properties": {"tip": f"Bord {esc(s['id'])}" + (f", {street}" if street else ""),
                                     "pop": pop, "k": "bord" if s["status"] == "placed" else "gepland"}})
    return feats


def request_features(data: MapData, decisions: list[Decision]) -> list[dict]:
    """Request markers (internal maps only), with the decision and the admins."""
    feats = []
    for i, d in enumerate(decisions):
        pop = _rows([("Aanvraag", f"{esc(d.request_id)} van {esc(d.date)}"),
                     ("Groep", _group_label(data, d.group_id)),
                     ("Wijk", esc(d.ward["name"]) if d.ward else "buiten de gemeente"),
                     ("Besluit", OUTCOME_NL[d.outcome]), ("Reden", esc(d.reason))]
                    + ([("Opmerkingen", "<br>".join(esc(n) for n in d.notes))] if d.notes else []))
        pop += _admins_html(data, d.group_id)
        feats.append({"type": "Feature", "id": i, "geometry": _point(d.lon, d.lat),
                      "properties": {"tip": f"Aanvraag {esc(d.request_id)} ({OUTCOME_NL[d.outcome]})",
                                     "pop": pop,
                                     "k": "aanvraag" if d.outcome in PENDING_OUTCOMES else "afgehandeld"}})
    return feats


def proposal_features(decisions: list[Decision]) -> list[dict]:
    """Proposed positions, numbered by rank, with their explanation."""
    feats = []
    for d in decisions:
        for p in d.proposals:
            road = esc(p.get("road")) or "naamloze weg"
            pop = _rows([("Voorstel", f"{int(p['rank'])} voor aanvraag {esc(d.request_id)}"),
                         ("Weg", f"{road} ({esc(road_class_nl(p.get('road_class')))})"),
                         ("Score", esc(p.get("score"))), ("Toelichting", esc(p.get("explanation"))),
                         ("RD", f"{float(p['x']):.0f}, {float(p['y']):.0f}")])
            feats.append({"type": "Feature", "id": len(feats), "geometry": _point(p["lon"], p["lat"]),
                          "properties": {"tip": f"Voorstel {int(p['rank'])}: {road}", "pop": pop,
                                         "k": "voorstel", "n": int(p["rank"])}})
    return feats


def entry_road_features(roads: gpd.GeoDataFrame) -> list[dict]:
    """Entry road stretches with the road name and class."""
    props = []
    for r in roads.itertuples():
        name = esc(r.name) or "naamloze weg"
        props.append({"tip": f"Invalsweg: {name}",
                      "pop": _rows([("Invalsweg", name), ("Wegklasse", esc(r.road_class))])})
    return _features(roads, props)


def _ward_layer(feats: list[dict], name="Wijken", focus=False) -> folium.GeoJson:
    """Wards styled by status (folium turns the styles into a switch on feature id)."""
    if not feats:
        return ml.geojson_layer(feats, name)
    styles = {f["id"]: ml.ward_style(f["properties"]["status"], focus=focus) for f in feats}
    for f in feats:
        del f["properties"]["status"]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name=name,
        style_function=lambda f: styles[f["id"]],
        highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.6},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=360))


# ----------------------------------------------------------------- maps


def overview_map(data: MapData, *, public: bool = False):
    """The overview of all wards (``maps/overzicht.html``); returns a folium Map.

    ``public=True`` shows no request locations and no admin data; pass a
    :class:`MapData` prepared with ``public=True`` so none is even loaded.
    """
    if public and data.admins:
        raise ValueError("openbare kaart: MapData bevat beheerdersgegevens; gebruik prepare(public=True)")
    title = "Buurtpreventieborden: overzicht" + (" (openbaar)" if public else "")
    m = ml.new_map(title)
    _ward_layer(ward_features(data, public=public)).add_to(m)
    if len(data.entry_roads):
        ml.geojson_layer(entry_road_features(data.entry_roads), "Invalswegen",
                         style={"color": ml.ENTRY_ROAD_COLOUR, "weight": 5, "opacity": 0.8}).add_to(m)
    signs = sign_features(data.signs)
    ml.geojson_layer(signs, "Borden", points=True).add_to(m)
    proposals = proposal_features(data.decisions)
    if proposals:
        ml.geojson_layer(proposals, "Voorgestelde plekken", points=True).add_to(m)
    points = signs + proposals
    if not public:
        pending = request_features(data, [d for d in data.decisions if d.outcome in PENDING_OUTCOMES])
        done = request_features(data, [d for d in data.decisions if d.outcome not in PENDING_OUTCOMES])
        ml.geojson_layer(pending, "Aanvragen in behandeling", points=True).add_to(m)
        ml.geojson_layer(done, "Aanvragen afgehandeld", points=True, show=False).add_to(m)
        points += pending + done
    info = f"<h4>{title}</h4>Klik op een wijk of symbool voor details."
    if public:
        info += "<br>Zonder persoonsgegevens."
    legend = ml.legend_html(statuses=data.wards["status"], markers=_kinds(points),
                            entries=bool(len(data.entry_roads)))
    return ml.finish(m, _bounds(data.wards), legend=legend, info=info)


def decision_map(data: MapData, decision: Decision):
    """The map of one decision (``maps/aanvraag-<id>.html``), zoomed to its ward.

    Shows the ward, the request location, the signs that cover the ward (for
    a rejection) or the proposals with their reasons, the ward's entry roads
    and the decision sentence. It names the group, never its admins.
    """
    title = f"Aanvraag {esc(decision.request_id)}: {OUTCOME_NL[decision.outcome]}"
    m = ml.new_map(title)
    code = decision.ward["code"] if decision.ward else None
    others = [f for f, code_ in zip(ward_features(data, public=True), data.wards["code"]) if code_ != code]
    _ward_layer(others, name="Andere wijken").add_to(m)
    bounds, entries = None, False
    if code is not None:
        focus = ward_features(data, public=True, only=code)
        _ward_layer(focus, name="Wijk van de aanvraag", focus=True).add_to(m)
        bounds = _bounds(data.wards[data.wards["code"] == code])
        roads = data.entry_roads[data.entry_roads["ward_code"] == code]
        entries = bool(len(roads))
        if entries:
            ml.geojson_layer(entry_road_features(roads), "Invalswegen",
                             style={"color": ml.ENTRY_ROAD_COLOUR, "weight": 5, "opacity": 0.8}).add_to(m)
    if decision.signs:
        signs = sign_features(decision.signs)
    elif code is not None and decision.reason_code == "ward_covered":  # recorded: blocking signs by name only
        signs = sign_features(data.signs[data.signs["ward_code"] == code])
    else:
        signs = []
    if signs:
        ml.geojson_layer(signs, "Borden in de wijk", points=True).add_to(m)
    proposals = proposal_features([decision])
    if proposals:
        ml.geojson_layer(proposals, "Voorgestelde plekken", points=True).add_to(m)
    public_view = MapData(**{**data.__dict__, "admins": {}})
    request = request_features(public_view, [decision])
    ml.geojson_layer(request, "Aanvraag", points=True).add_to(m)
    if bounds is None:  # outside every ward: show the municipality and the request
        (y0, x0), (y1, x1) = _bounds(data.wards)
        bounds = [[min(y0, decision.lat) - 0.002, min(x0, decision.lon) - 0.003],
                  [max(y1, decision.lat) + 0.002, max(x1, decision.lon) + 0.003]]
    ward = f"wijk {esc(decision.ward['name'])}" if decision.ward else "buiten de gemeente"
    info = (f"<h4>{title}</h4>Groep {_group_label(data, decision.group_id)}, {ward}, "
            f"{esc(decision.date)}.<br>{esc(decision.reason)}")
    legend = ml.legend_html(statuses=data.wards["status"], markers=_kinds(signs + proposals + request),
                            entries=entries)
    return ml.finish(m, bounds, legend=legend, info=info)


def _kinds(features: list[dict]) -> set[str]:
    """The marker kinds (``k``) among point features, for the legend."""
    return {f["properties"]["k"] for f in features}


def _bounds(wards: gpd.GeoDataFrame):
    x0, y0, x1, y1 = wards.total_bounds
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


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
    public = prepare(wards, signs, decisions, roads=roads, groups=groups, policy=policy, public=True)
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
