"""The synthetic Netherlands of ``benchmarks/national_data.py`` (at 300 wards: fast)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from planner.core.coords import NL_RD_BOUNDS
from planner.geo import load_groups, load_requests, load_roads, load_signs, load_wards

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("national_data", ROOT / "benchmarks" / "national_data.py")
nd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nd)

N, SEED = 300, 3


@pytest.fixture(scope="module")
def data():
    return nd.make_national(N, seed=SEED)


def test_wards_tile_the_extent_without_gaps_or_overlaps(data):
    g = data.wards.geometry.values
    assert len(g) == N and shapely.is_valid(g).all() and set(data.wards.geom_type) == {"Polygon"}
    total, union = shapely.area(g).sum(), shapely.union_all(g)
    assert abs(total - union.area) <= 1e-6 * total  # no overlaps
    assert abs(union.area - nd.EXTENT.area) <= 1e-6 * nd.EXTENT.area  # no gaps
    assert shapely.coverage_is_valid(g)
    # neighbours share exactly the same vertices: a vertex used by one ward only lies on the outer border
    xy = shapely.get_coordinates(shapely.get_exterior_ring(g))
    uniq, count = np.unique(xy, axis=0, return_counts=True)
    lonely = uniq[count == 1]
    assert shapely.distance(nd.EXTENT.exterior, shapely.points(lonely)).max() < 0.01
    assert (count >= 2).sum() > 0.9 * len(uniq)


def test_wards_have_realistic_vertex_counts_and_attributes(data):
    w = data.wards
    vertices = shapely.get_num_coordinates(w.geometry.values) - 1
    assert 100 <= np.median(vertices) <= 400
    assert w["code"].str.fullmatch(r"BU\d{8}").all() and w["code"].is_unique
    assert w["gemeente"].str.fullmatch(r"GM\d{4}").all() and w["gemeente"].nunique() > 3
    assert (w["code"].str[2:6] == w["gemeente"].str[2:]).all()
    assert 1 <= (w["water"] == "JA").sum() < 0.05 * N and w["population"].isna().any()
    area = w.area
    assert area.max() > 50 * area.min()  # dense cities and sparse rural land


def test_roads_have_all_kinds(data):
    roads = data.roads
    assert len(roads) >= 40000 / 15000 * N
    assert {"residential", "tertiary", "secondary", "primary", "unclassified", "service", "living_street",
            "motorway", "cycleway", "footway"} <= set(roads["highway"])
    assert (roads["name"] == "").any() and roads["name"].str.endswith(("straat", "weg", "laan")).any()
    # roads cross ward boundaries: a few per ward
    tree = shapely.STRtree(data.wards.geometry.values)
    _, ward = tree.query(roads.geometry.values, predicate="crosses")
    per_ward = np.bincount(ward, minlength=N)
    assert 2 <= np.median(per_ward) <= 12


def test_dual_carriageways(data):
    roads = data.roads[data.roads["name"] != ""]
    g = roads.geometry.values
    i, j = shapely.STRtree(g).query(g, predicate="dwithin", distance=25)
    names = roads["name"].to_numpy()
    keep = (i < j) & (names[i] == names[j])
    gap = shapely.hausdorff_distance(g[i[keep]], g[j[keep]])
    pairs = (gap >= 9) & (gap <= 22) & ~shapely.intersects(g[i[keep]], g[j[keep]])
    assert pairs.sum() >= 5


def test_roads_along_ward_boundaries_with_side_streets(data):
    g = data.roads.geometry.values
    xy, road = shapely.get_coordinates(g, return_index=True)
    inner = shapely.difference(shapely.boundary(data.wards.geometry.values), nd.EXTENT.exterior.buffer(1))
    _, dist = shapely.STRtree(inner).query_nearest(shapely.points(xy), return_distance=True, all_matches=False)
    along = np.flatnonzero((np.bincount(road, weights=dist > 2.0, minlength=len(g)) == 0) & (shapely.length(g) > 50))
    assert len(along) >= 3
    ends = shapely.points(np.r_[shapely.get_coordinates(shapely.get_point(g, 0)),
                                shapely.get_coordinates(shapely.get_point(g, -1))])
    touching = shapely.STRtree(ends).query(g[along], predicate="dwithin", distance=0.01)
    side_streets = pd.Series(touching[1] % len(g)).groupby(touching[0]).nunique()
    assert (side_streets >= 3).sum() >= 3  # the road itself plus side streets to both sides


def test_signs(data):
    s = data.signs
    assert len(s) >= 0.8 * 30000 / 15000 * N and s["id"].str.fullmatch(r"S\d{6}").all()
    assert set(s["status"]) == {"placed", "planned"}
    assert (s.loc[s["status"] == "planned", "placed_on"] == "").all()
    assert s.loc[s["status"] == "placed", "placed_on"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").mean() > 0.9
    p, w = shapely.STRtree(data.wards.geometry.values).query(s.geometry.values, predicate="within")
    assert len(np.unique(p)) == len(s)
    assert 0.35 <= len(np.unique(w)) / N <= 0.65
    _, dist = shapely.STRtree(data.roads.geometry.values).query_nearest(
        s.geometry.values, return_distance=True, all_matches=False)
    assert dist.max() < 15


def test_requests_have_every_special_case(data):
    r, groups = data.requests, data.groups
    assert len(r) >= 10000 / 15000 * N and r["request_id"].is_unique
    assert r["date"].min() >= "2025-01-01" and r["date"].max() <= "2026-12-31" and r["date"].str[:7].nunique() > 15
    assert (~r["group_id"].isin(groups["group_id"])).sum() >= 3  # unknown groups
    wards = data.wards.geometry.values
    idx, ward = shapely.STRtree(wards).query(r.geometry.values, predicate="intersects")
    outside = np.setdiff1d(np.arange(len(r)), idx)
    assert len(outside) >= 3 and set(r["kind"].iloc[outside]) == {"outside"}
    x0, y0, x1, y1 = NL_RD_BOUNDS
    assert r["x"].between(x0, x1).all() and r["y"].between(y0, y1).all()
    near = r[r["kind"] == "near_boundary"]
    inner = shapely.difference(shapely.boundary(wards), nd.EXTENT.exterior.buffer(1))
    _, dist = shapely.STRtree(inner).query_nearest(near.geometry.values, return_distance=True, all_matches=False)
    assert len(near) >= 3 and dist.max() <= 0.3
    code = pd.Series(data.wards["code"].to_numpy()[ward], index=idx)
    same_day = r.iloc[code.index].assign(ward=code.to_numpy()).groupby(["ward", "date"]).size()
    assert (same_day >= 2).sum() >= 2
    wishes = r.loc[r["preferred"] != "", ["preferred"]].join(code.rename("ward"))
    assert len(wishes) >= 10 and wishes["preferred"].str.fullmatch(r"\d\.\d{6} \d{2}\.\d{6}(; \d\.\d{6} \d{2}\.\d{6})?").all()


def test_groups(data):
    g = data.groups
    admins = g.groupby("group_id").size()
    assert admins.between(1, 3).all() and (admins > 1).any()
    assert g["wabp_registered"].any() and not g["wabp_registered"].all()
    assert g["admin_phone"].str.fullmatch(r"06-0000\d{4}").all() and g["admin_email"].str.endswith("@example.org").all()


def test_deterministic_for_a_seed(data):
    again, other = nd.make_national(N, seed=SEED), nd.make_national(N, seed=SEED + 1)
    for name in ("wards", "signs", "roads", "groups", "requests"):
        a, b = getattr(data, name), getattr(again, name)
        pd.testing.assert_frame_equal(pd.DataFrame(a).drop(columns="geometry", errors="ignore"),
                                      pd.DataFrame(b).drop(columns="geometry", errors="ignore"))
        if "geometry" in a:
            assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=0).all()
    assert not shapely.equals_exact(data.wards.geometry.values[:10], other.wards.geometry.values[:10]).all()


def test_written_files_load_with_the_planner_loaders(data, tmp_path):
    paths = nd.write_national(data, tmp_path / "nl")
    assert {p.name for p in paths.values()} == {"wijken.gpkg", "borden.gpkg", "wegen.gpkg",
                                               "groepen.csv", "aanvragen.csv"}
    wards = load_wards(paths["wards"])
    assert len(wards) == N and wards.crs.to_epsg() == 28992 and wards.attrs["repaired"] == []
    assert len(load_signs(paths["signs"])) == len(data.signs)
    assert len(load_roads(paths["roads"])) == len(data.roads)
    groups = load_groups(paths["groups"])
    assert len(groups) == len(data.groups) and groups["wabp_registered"].dtype == bool
    requests = load_requests(paths["requests"])
    assert len(requests) == len(data.requests)
    assert np.allclose(shapely.get_coordinates(requests.geometry.values),
                       shapely.get_coordinates(data.requests.geometry.values))
    assert (requests["preferred"] == data.requests["preferred"].to_numpy()).all()
