"""Real geometry: ward boundaries along street centre lines, one "in the ward".

CBS buurten very often follow the centre lines of streets, and OpenStreetMap
streets then zig-zag across the boundary by a few decimetres. Here a street
grid is generated whose wards are unions of blocks; the boundary streets are
jittered like real data.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

import planner
from planner.core.policy import Policy
from planner.siting.entries import ALONG_TOLERANCE, find_entries
from planner.siting.proposals import propose_positions

X0, Y0 = 120_000.0, 480_000.0
BLOCK = 100.0
WARD_BLOCKS = 3          # a ward is 3 x 3 blocks
N_WARDS = 3              # 3 x 3 wards
POLICY = Policy()


def _street(points, rng, jitter):
    """A street centre line through ``points``, densified every 10 m and jittered sideways."""
    line = shapely.segmentize(shapely.LineString(points), 10.0)
    xy = shapely.get_coordinates(line)
    xy[1:-1] += rng.uniform(-jitter, jitter, size=(len(xy) - 2, 2))
    return shapely.LineString(xy)


def street_grid(seed=0, jitter=0.25):
    """Wards (unions of blocks, boundaries on street centre lines) and jittered grid streets."""
    rng = np.random.default_rng(seed)
    size = BLOCK * WARD_BLOCKS
    codes, polys = [], []
    for i in range(N_WARDS):
        for j in range(N_WARDS):
            box = shapely.box(X0 + i * size, Y0 + j * size, X0 + (i + 1) * size, Y0 + (j + 1) * size)
            codes.append(f"G{i}{j}")
            polys.append(shapely.segmentize(box, 5.0))  # CBS-like: many vertices
    wards = gpd.GeoDataFrame({"code": codes, "name": [f"Blok {c}" for c in codes]}, geometry=polys,
                             crs="EPSG:28992")
    total = size * N_WARDS
    names, classes, lines = [], [], []
    for k in range(int(total / BLOCK) + 1):
        v = k * BLOCK
        on_boundary = k % WARD_BLOCKS == 0
        for axis, pts in (("x", [(X0 + v, Y0 - 50), (X0 + v, Y0 + total + 50)]),
                          ("y", [(X0 - 50, Y0 + v), (X0 + total + 50, Y0 + v)])):
            names.append(f"{'Grens' if on_boundary else 'Binnen'}{axis}{k}")
            classes.append("tertiary" if on_boundary else "residential")
            lines.append(_street(pts, rng, jitter))
    roads = gpd.GeoDataFrame({"name": names, "highway": classes}, geometry=lines, crs="EPSG:28992")
    return wards, roads


def test_streets_on_the_boundary_are_no_entries_and_side_streets_enter_at_the_junction():
    wards, roads = street_grid()
    e = find_entries(wards, roads, POLICY)
    assert not e.empty
    # Boundary streets run along the boundary: never an entry of either ward.
    assert not e["road"].str.startswith("Grens").any()
    # Every inner street enters each ward it runs through at both ends: at the
    # junction with the boundary street, within the tolerance of the boundary.
    per_ward = e.groupby("ward_code").size()
    assert (per_ward == 2 * 2 * (WARD_BLOCKS - 1)).all() and len(per_ward) == N_WARDS ** 2
    boundary = wards.set_index("code").loc[e["ward_code"]].boundary.values
    assert (shapely.distance(boundary, e.geometry.values) <= ALONG_TOLERANCE).all()
    xy = shapely.get_coordinates(e.geometry.values) - [X0, Y0]
    off_grid = np.abs(xy - np.round(xy / BLOCK) * BLOCK)
    assert (off_grid.min(axis=1) < 1.0).all() and (off_grid.max(axis=1) < ALONG_TOLERANCE + 1).all()


def test_candidates_keep_the_boundary_clearance_measured_on_the_geometry():
    wards, roads = street_grid(seed=1)
    e = find_entries(wards, roads, POLICY)
    boundary = wards.set_index("code").loc[e["ward_code"]].boundary.values
    measured = shapely.distance(boundary, e["candidate"].to_numpy())
    assert (measured >= POLICY.boundary_clearance).all()
    assert np.allclose(measured, e["clearance"].to_numpy(float))
    stricter = find_entries(wards, roads, POLICY.replace(boundary_clearance=30.0))
    boundary = wards.set_index("code").loc[stricter["ward_code"]].boundary.values
    assert (shapely.distance(boundary, stricter["candidate"].to_numpy()) >= 30.0).all()


def test_every_distance_in_a_proposal_explanation_is_measured():
    wards, roads = street_grid(seed=2)
    for code in wards["code"]:
        res = propose_positions(code, wards, roads, POLICY)
        poly = wards.set_index("code").geometry[code]
        assert res.proposals, code
        for p in res.proposals:
            measured = shapely.distance(poly.boundary, shapely.Point(p["x"], p["y"]))
            assert measured >= POLICY.boundary_clearance - 0.1
            stated = int(re.search(r"(\d+) m van de wijkgrens", p["explanation"]).group(1))
            assert abs(stated - measured) <= 0.6, (code, p["explanation"], measured)
            assert "binnen de wijk" not in p["explanation"]


def test_road_along_the_boundary_with_side_streets():
    a = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
    b = shapely.box(X0, Y0 - 1000, X0 + 1000, Y0)
    wards = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Noord", "Zuid"]}, geometry=[a, b], crs="EPSG:28992")
    x = np.arange(-200, 1201, 10.0)
    zigzag = np.c_[X0 + x, Y0 + 0.2 * np.where(np.arange(len(x)) % 2, 1, -1)]
    roads = gpd.GeoDataFrame({"name": ["Grensweg", "Noordstraat", "Zuidstraat"],
                              "highway": ["secondary", "residential", "residential"]},
                             geometry=[shapely.LineString(zigzag),
                                       shapely.LineString([(X0 + 300, Y0 + 0.1), (X0 + 300, Y0 + 500)]),
                                       shapely.LineString([(X0 + 700, Y0 - 0.15), (X0 + 700, Y0 - 500)])],
                             crs="EPSG:28992")
    e = find_entries(wards, roads, POLICY)
    assert sorted(zip(e["ward_code"], e["road"])) == [("A", "Noordstraat"), ("B", "Zuidstraat")]
    xy = dict(zip(e["road"], np.round(shapely.get_coordinates(e.geometry.values) - [X0, Y0])))
    assert tuple(xy["Noordstraat"]) == (300, 0) and tuple(xy["Zuidstraat"]) == (700, 0)
    for code in ("A", "B"):
        props = propose_positions(code, wards, roads, POLICY).proposals
        assert [p["road"] for p in props] == ["Noordstraat" if code == "A" else "Zuidstraat"]
        assert props[0]["clearance"] >= POLICY.boundary_clearance


def test_a_road_that_runs_along_the_boundary_and_then_turns_in_enters_at_the_bend():
    a = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
    wards = gpd.GeoDataFrame({"code": ["A"], "name": ["Noord"]}, geometry=[a], crs="EPSG:28992")
    x = np.arange(-200, 400, 10.0)
    along = np.c_[X0 + x, Y0 + 1.0 + 0.3 * np.sin(x)]  # 1 m inside, wobbling, then north at x = 390
    line = np.vstack([along, [[X0 + 400, Y0 + 1.0], [X0 + 400, Y0 + 600]]])
    roads = gpd.GeoDataFrame({"name": ["Bochtweg"], "highway": ["tertiary"]},
                             geometry=[shapely.LineString(line)], crs="EPSG:28992")
    e = find_entries(wards, roads, POLICY)
    assert len(e) == 1
    ex, ey = shapely.get_coordinates(e.geometry.values)[0] - [X0, Y0]
    assert abs(ex - 400) <= 4 and abs(ey) < 0.5
    assert e["clearance"].iloc[0] >= POLICY.boundary_clearance


# ----------------------------------------------------------------- one predicate everywhere


def test_relocation_and_wishes_use_the_same_predicate_and_clearance():
    wards, roads = street_grid(seed=3)
    signs = gpd.GeoDataFrame({"id": ["S1"], "status": ["placed"], "street": [""], "placed_on": [""]},
                             geometry=[shapely.Point(X0 + 100, Y0 + 150)], crs="EPSG:28992")
    # A target 4 m from the boundary of its ward is refused; 40 m inside on a street is fine.
    close = planner.core.coords.to_lonlat(gpd.GeoSeries([shapely.Point(X0 + 200, Y0 + 4)], crs="EPSG:28992"))
    r = planner.relocate_sign("S1", signs, wards, roads, POLICY, "test", to=(close[0][0], close[1][0]))
    assert not r.moved and "wijkgrens" in r.message
    ok = planner.core.coords.to_lonlat(gpd.GeoSeries([shapely.Point(X0 + 200, Y0 + 40)], crs="EPSG:28992"))
    assert planner.relocate_sign("S1", signs, wards, roads, POLICY, "test", to=(ok[0][0], ok[1][0])).moved
    res = propose_positions("G00", wards, roads, POLICY, wishes=[(close[0][0], close[1][0])])
    assert res.wishes[0]["valid"] is False and "wijkgrens" in res.wishes[0]["reason"]


def test_a_sign_of_a_neighbouring_ward_does_not_block_candidates():
    wards, roads = street_grid(seed=4)
    alone = propose_positions("G11", wards, roads, POLICY)
    spot = alone.proposals[0]
    # A sign closer than min_spacing, but in the neighbouring ward: G11's proposal stays the same.
    neighbour = shapely.Point(spot["x"], spot["y"])
    code_there = wards["code"].iloc[planner.ward_of([neighbour], wards)[0]]
    assert code_there == "G11"
    nx, ny = spot["x"], spot["y"]
    step = POLICY.min_spacing - 5  # the proposal may lie well inside (candidates along the whole street)
    outside = [shapely.Point(nx + dx, ny + dy) for dx, dy in ((0, step), (0, -step), (step, 0), (-step, 0))]
    other = [p for p in outside if planner.ward_of([p], wards)[0] >= 0
             and wards["code"].iloc[planner.ward_of([p], wards)[0]] != "G11"]
    assert other, "test setup: no point in a neighbouring ward"
    signs = gpd.GeoDataFrame({"id": ["N1"], "status": ["placed"], "street": [""], "placed_on": [""]},
                             geometry=other[:1], crs="EPSG:28992")
    assert propose_positions("G11", wards, roads, POLICY, signs=signs).proposals == alone.proposals


@pytest.mark.parametrize("statuses", [("placed", "planned"), ("placed",)])
def test_planned_signs_count_only_where_the_policy_counts_them(statuses):
    wards, roads = street_grid(seed=5)
    policy = POLICY.replace(coverage_statuses=statuses)
    signs = gpd.GeoDataFrame({"id": ["P1"], "status": ["planned"], "street": ["x"], "placed_on": [""]},
                             geometry=[shapely.Point(X0 + 150, Y0 + 150)], crs="EPSG:28992")
    reqs = gpd.GeoDataFrame({"request_id": ["R1"], "date": ["2026-01-01"], "group_id": ["G"], "preferred": [""]},
                            geometry=[shapely.Point(X0 + 120, Y0 + 170)], crs="EPSG:28992")
    groups = planner.placement.pd.DataFrame({"group_id": ["G"], "group_name": ["g"], "wabp_registered": [True]})
    d = planner.decide_requests(reqs, wards, signs, groups, policy)[0]
    expected = "ward_covered" if "planned" in statuses else "ward_in_progress"
    assert (d.outcome, d.reason_code) == ("rejected", expected)
