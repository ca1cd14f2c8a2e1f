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
:mod:`planner.core.vocabulary`) is the ward verdict that decisions use
(:func:`planner.placement.ward_verdict`): *gedekt* when the ward holds
signs that count under the policy; *aanvraag in behandeling* when it does
not, but an approval is under way (positions still to agree, or planned
signs the policy does not count); *niet gedekt* otherwise. A request under
review leaves its ward's status as it is (its marker is an open request).

**Light pages at national scale.** The page embeds one JSON object
(:func:`planner.maps_data.page_data`) that the browser turns into layers
(:mod:`planner.render.maps.script`): ward borders stored once and quantized as
TopoJSON (:mod:`planner.render.maps.topology`), points and lines as encoded
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
import re
from dataclasses import dataclass, field, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.coords import RD_NEW
from planner.core.coverage import (
    CoverageStats,
    coverage_stats,
    format_number,
    format_share,
)
from planner.core.policy import Policy
from planner.core.vocabulary import OUTCOME_NL, OUTSIDE_WARDS, date_nl
from planner.core.wards import assign_wards, counted_signs, text_column
from planner.placement import Decision
from planner.render.maps import data as md
from planner.render.maps import layers as ml
from planner.render.maps import topology as mt
from planner.render.maps.data import STATE_KEYS, empty_roads, page_data, to_json
from planner.siting.entries import classify_roads, find_entries, road_network

SIMPLIFY_TOLERANCE = 2.0  # metres, in RD New
DECIMALS = 5  # 1e-5 degree steps: about 1.1 m north-south, 0.7 m east-west here
ENTRY_ROAD_LENGTH = 120.0  # metres of road highlighted around an entry


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
    entry_roads_by_id: dict = field(default_factory=dict)  # entry id ("LM04-E1") -> road name
    entries_per_ward: dict = field(default_factory=dict)   # ward code -> number of entries

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
    entry_roads, entries = _entry_roads(wards, roads, policy)
    return MapData(wards=w, signs=s, entry_roads=entry_roads,
                   decisions=list(decisions), group_names=group_names, admins=admins, stats=stats,
                   no_entry_roads=_no_entry_roads(wards, roads, policy, blocked), topology=topology, grid=grid,
                   entry_roads_by_id=dict(zip(entries["entry_id"].astype(str), entries["road"].fillna("")))
                   if len(entries) else {},
                   entries_per_ward=entries["ward_code"].value_counts().to_dict() if len(entries) else {})


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
        "street": text_column(signs, "street"), "placed_on": text_column(signs, "placed_on"),
        "request_id": text_column(signs, "request_id"),
        "ward_code": ward, "counted": signs.index.isin(counted.index),
        "also_counts_for": [also.get(i, []) for i in signs.index],
    }, geometry=signs.geometry.values, crs=RD_NEW)
    # the street that counting found (nearest road) for signs that had none
    named = first["street"].reindex(signs.index).fillna("").astype(str).to_numpy()
    out["street"] = np.where(out["street"] == "", named, out["street"])
    return out


def _entry_roads(wards, roads, policy) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The stretch of each entry road within ``ENTRY_ROAD_LENGTH`` of its entry, and the entries
    (``entry_id``, ``ward_code``, ``road``: what a proposal's popup names)."""
    none = pd.DataFrame({"entry_id": [], "ward_code": [], "road": []})
    if roads is None or roads.empty:
        return empty_roads(), none
    entries = find_entries(wards, roads, policy)  # computed in bounded chunks of wards (planner.siting.entries)
    if entries.empty:
        return empty_roads(), none
    idx = entries["road_index"].to_numpy(dtype=int)
    near = shapely.buffer(entries.geometry.values, ENTRY_ROAD_LENGTH, quad_segs=4)
    parts = shapely.intersection(roads.geometry.values[idx], near)
    parts = shapely.simplify(parts, SIMPLIFY_TOLERANCE)
    out = gpd.GeoDataFrame({"name": roads["name"].to_numpy()[idx],
                            "road_class": roads["highway"].to_numpy()[idx],
                            "ward_code": entries["ward_code"].to_numpy()},
                           geometry=parts, crs=RD_NEW)
    return out[~out.geometry.is_empty].reset_index(drop=True), \
        pd.DataFrame(entries[["entry_id", "ward_code", "road"]])


def _no_entry_roads(wards, roads, policy, codes: set) -> gpd.GeoDataFrame:
    """The roads a ``no_entries`` reason names: every road in or along the ward
    (``entries.road_network(...).near``, as :func:`planner.entries.no_entry_reason` looks)."""
    if roads is None or roads.empty or not codes:
        return empty_roads()
    network = road_network(roads, policy)
    chosen = wards[wards["code"].isin(codes)]
    road_idx, ward_pos = [], []
    for k, poly in enumerate(chosen.geometry.values):
        near = network.near(poly)
        road_idx.append(near)
        ward_pos.append(np.full(len(near), k))
    road_idx, ward_pos = np.concatenate(road_idx), np.concatenate(ward_pos)
    if not len(road_idx):
        return empty_roads()
    near = roads.iloc[road_idx]
    around = shapely.buffer(chosen.geometry.values[ward_pos], 60.0)
    out = gpd.GeoDataFrame({"name": near["name"].to_numpy(),
                            "road_class": classify_roads(near, policy)["road_class"].to_numpy(),
                            "ward_code": chosen["code"].to_numpy()[ward_pos]},
                           geometry=shapely.simplify(shapely.intersection(near.geometry.values, around),
                                                     SIMPLIFY_TOLERANCE), crs=RD_NEW)
    return out[~out.geometry.is_empty].reset_index(drop=True)


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
                            choropleth="wijken" in d or "pop" in d["wards"],
                            hidden=set() if d["opts"]["showSettled"] else {"afgehandeld"})
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
            info += (f"; gedekte inwoners: {format_share(tot['covered_share'])} van {known}; "
                     f"{format_number(tot['signs_per_1000'], 2)} borden per 1.000 inwoners.")
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
    if code is not None:  # the ward, and everything of the decision even where it lies outside the ward
        x0, y0, x1, y1 = data.wards[data.wards["code"] == code].total_bounds
        pts = [(decision.x, decision.y)] + [(p["x"], p["y"]) for p in decision.proposals] \
            + [(sg["x"], sg["y"]) for sg in decision.signs if "x" in sg and "y" in sg]
        xy = np.array([[float(x), float(y)] for x, y in pts if x is not None and y is not None
                       and np.isfinite(float(x)) and np.isfinite(float(y))]).reshape(-1, 2)
        if len(xy):
            x0, y0 = min(x0, xy[:, 0].min() - 30), min(y0, xy[:, 1].min() - 30)
            x1, y1 = max(x1, xy[:, 0].max() + 30), max(y1, xy[:, 1].max() + 30)
        bounds = _bounds_rd(x0, y0, x1, y1)
    else:  # outside every ward: show the wards around and the request
        near = data.wards.iloc[md.neighbourhood(data, decision)[0]]
        x0, y0, x1, y1 = near.total_bounds
        x0, y0, x1, y1 = min(x0, decision.x), min(y0, decision.y), max(x1, decision.x), max(y1, decision.y)
        bounds = _bounds_rd(x0 - 150, y0 - 150, x1 + 150, y1 + 150)
    name = data.group_names.get(decision.group_id)
    group = (f"{esc(name)} (groepsnummer {esc(decision.group_id)})" if name
             else f"{esc(decision.group_id)} (onbekende groep)")
    ward = f"wijk {esc(decision.ward['name'])}" if decision.ward else OUTSIDE_WARDS
    info = f"Groep {group}, {ward}, {esc(date_nl(decision.date))}.<br>{esc(decision.reason)}"
    return _map_from(d, title, info, bounds, keep_info_open=True)


def _bounds(wards: gpd.GeoDataFrame):
    return _bounds_rd(*wards.total_bounds)


def _bounds_rd(x0, y0, x1, y1):
    """RD New box -> [[south, west], [north, east]] in WGS84 (the corners of the projected box)."""
    xs = np.array([x0, x1, x0, x1])
    ys = np.array([y0, y0, y1, y1])
    lon, lat = mt.TO_WGS84.transform(xs, ys)
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
