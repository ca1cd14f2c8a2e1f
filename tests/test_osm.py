"""Roads: a real OSM extract shipped with pyrosm, a small Dutch PBF, NWB and plain line layers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import pyogrio
import pyrosm
import pytest
import shapely

from planner import geo
from planner.core.policy import Policy
from planner.errors import InputError
from planner.io.sources import osm
from planner.siting.entries import find_entries
from planner.siting.proposals import propose_positions

HELSINKI_TEST_PBF = pyrosm.get_data("test_pbf")  # a real extract that pyrosm ships (Finland)


def write_landsmeer_pbf(path):
    """A tiny OSM extract around Landsmeer, written with osmium: named roads of several classes."""
    nodes = {1: (4.900, 52.430), 2: (4.910, 52.431), 3: (4.920, 52.432),
             4: (4.905, 52.420), 5: (4.906, 52.440), 6: (4.915, 52.425), 7: (4.916, 52.426)}
    ways = [
        (101, [1, 2, 3], {"highway": "secondary", "name": "Dorpsstraat"}),
        (102, [4, 5], {"highway": "residential", "name": "Zuideinde"}),
        (103, [6, 7], {"highway": "footway"}),
        (104, [2, 6], {"waterway": "ditch"}),  # not a road
    ]
    with osmium.SimpleWriter(str(path)) as w:
        for nid, (lon, lat) in nodes.items():
            w.add_node(osmium.osm.mutable.Node(id=nid, location=osmium.osm.Location(lon, lat), version=1))
        for wid, refs, tags in ways:
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    return path


@pytest.fixture
def nl_pbf(tmp_path):
    return write_landsmeer_pbf(tmp_path / "landsmeer.osm.pbf")


def test_reads_roads_from_a_real_extract():
    roads = osm.read_osm_roads(HELSINKI_TEST_PBF)
    assert len(roads) > 300
    assert {"residential", "secondary", "tertiary", "cycleway", "motorway"} <= set(roads["highway"])
    assert "Hurukselantie" in set(roads["name"])
    assert set(roads.geom_type) <= {"LineString", "MultiLineString"}
    assert roads.crs == geo.WGS84


def test_osmium_reader_agrees_with_pyrosm():
    a = osm.read_osm_roads(HELSINKI_TEST_PBF, engine="pyrosm")
    b = osm.read_osm_roads(HELSINKI_TEST_PBF, engine="osmium")
    # osmium skips ways whose nodes lie outside the extract; pyrosm keeps their inner part.
    assert set(b["osm_id"]) <= set(a["osm_id"])
    assert len(b) >= 0.9 * len(a)
    assert set(b["highway"]) <= set(a["highway"])


def test_bbox_keeps_only_roads_in_the_box():
    box = (26.94, 60.525, 26.955, 60.535)
    roads = osm.read_osm_roads(HELSINKI_TEST_PBF, bbox=box)
    assert 0 < len(roads) < len(osm.read_osm_roads(HELSINKI_TEST_PBF))
    assert roads.intersects(shapely.box(*box)).all()


def test_roads_outside_the_netherlands_are_rejected():
    with pytest.raises(InputError, match="buiten Nederland"):
        osm.read_roads(HELSINKI_TEST_PBF)


def test_dutch_extract_keeps_names_and_classes(nl_pbf):
    roads = osm.read_roads(nl_pbf)
    assert roads.crs == geo.RD_NEW
    assert sorted(zip(roads["highway"], roads["name"])) == [
        ("footway", ""), ("residential", "Zuideinde"), ("secondary", "Dorpsstraat")]


def test_rd_bbox_is_converted_to_degrees():
    lon0, lat0, lon1, lat1 = osm.bbox_lonlat("119000,491000,125000,497000")
    assert 4.85 < lon0 < lon1 < 4.97 and 52.40 < lat0 < lat1 < 52.47


@pytest.mark.parametrize("bad", ["1,2,3", "a,b,c,d", "5,52,4,53"])
def test_bad_bbox_is_an_error(bad):
    # the library names the value (bbox), the command line says it as its flag (--bbox)
    with pytest.raises(InputError, match="^bbox: ") as caught:
        osm.bbox_lonlat(bad)
    assert caught.value.for_command_line().startswith("--bbox: ")


def test_corrupt_pbf_is_an_error(tmp_path):
    path = tmp_path / "kapot.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all")
    with pytest.raises(InputError, match="geen leesbaar OSM-bestand"):
        osm.read_osm_roads(path)


# ----------------------------------------------------------------- NWB and line layers


def test_nwb_class_mapping():
    got = osm.nwb_highway(
        ["R", "R", "R", "P", "P", "G", "G", "W", "T", "G", None],
        ["HR", "HR", "AFR", "RB", "OPR", "RB", "FP", "RB", "RB", "VP", ""],
        ["A", "N", "A", "N", "N", "", "", "", "", "", ""],
    )
    assert got.tolist() == ["motorway", "trunk", "motorway_link", "secondary", "secondary_link",
                            "residential", "cycleway", "unclassified", "service", "footway", "road"]


def _nwb_layer(path):
    lines = [shapely.LineString([(121000, 493000), (123000, 494000)]),
             shapely.LineString([(121500, 492500), (121600, 495000)]),
             shapely.LineString([(120000, 494000), (124000, 494100)])]
    gdf = gpd.GeoDataFrame({
        "WVK_ID": [1, 2, 3], "WEGBEHSRT": ["G", "G", "P"], "BST_CODE": ["RB", "FP", "HR"],
        "STT_NAAM": ["Zuideinde", "Fietspad Twiske", "Provincialeweg"], "ROUTELTR": ["", "", "N"],
    }, geometry=lines, crs=geo.RD_NEW)
    pyogrio.write_dataframe(gdf, path, layer="wegvakken")
    return path


def test_nwb_geopackage_is_mapped(tmp_path):
    roads = osm.read_roads(_nwb_layer(tmp_path / "nwb.gpkg"))
    assert roads["highway"].tolist() == ["residential", "cycleway", "secondary"]
    assert roads["name"].tolist() == ["Zuideinde", "Fietspad Twiske", "Provincialeweg"]


@pytest.mark.parametrize("suffix", [".shp", ".geojson"])
def test_line_layers_with_highway_column(tmp_path, suffix):
    path = tmp_path / f"wegen{suffix}"
    gdf = gpd.GeoDataFrame({"straat": ["Dorpsstraat"], "highway": ["Tertiary"]},
                           geometry=[shapely.LineString([(4.90, 52.43), (4.92, 52.43)])], crs=geo.WGS84)
    gdf.to_file(path)
    roads = osm.read_roads(path, name_column="straat")
    assert roads[["name", "highway"]].values.tolist() == [["Dorpsstraat", "tertiary"]]
    assert roads.crs == geo.RD_NEW


def test_line_layer_without_class_is_an_error(tmp_path):
    path = tmp_path / "wegen.geojson"
    gpd.GeoDataFrame({"naam": ["x"]}, geometry=[shapely.LineString([(4.90, 52.43), (4.92, 52.43)])],
                     crs=geo.WGS84).to_file(path)
    with pytest.raises(InputError, match="geen wegklasse"):
        osm.read_roads(path)


# ----------------------------------------------------------------- CLI


def test_cli_import_roads_from_pbf(run_cli, nl_pbf, tmp_path):
    out = tmp_path / "wegen.geojson"
    res = run_cli("import", "roads", nl_pbf, "--out", out)
    assert res.returncode == 0, res.stderr
    roads = geo.load_roads(out)
    assert set(roads["name"]) == {"Dorpsstraat", "Zuideinde", ""}
    assert "secundaire weg: 1" in res.stdout and "secondary" not in res.stdout  # the table speaks Dutch


def test_cli_import_roads_clipped_to_wards(run_cli, nl_pbf, data_dir, tmp_path):
    out = tmp_path / "wegen.gpkg"
    res = run_cli("import", "roads", nl_pbf, "--wards", data_dir / "wijken.geojson", "--margin", "0",
                  "--out", out)
    assert res.returncode == 0, res.stderr
    assert len(geo.load_roads(out)) >= 1


def test_cli_import_roads_outside_nl_exits_2_and_writes_nothing(run_cli, tmp_path):
    out = tmp_path / "wegen.geojson"
    res = run_cli("import", "roads", HELSINKI_TEST_PBF, "--out", out)
    assert res.returncode == 2
    assert "buiten Nederland" in res.stderr
    assert not out.exists()


def test_cli_import_nwb_roads(run_cli, tmp_path):
    out = tmp_path / "wegen.geojson"
    res = run_cli("import", "roads", _nwb_layer(tmp_path / "nwb.gpkg"), "--out", out)
    assert res.returncode == 0, res.stderr
    assert sorted(geo.load_roads(out)["highway"]) == ["cycleway", "residential", "secondary"]


# ----------------------------------------------------------------- real OSM streets (issue 20)
# tests/recorded/osm_streets.geojson: the road ways of pyrosm's real OSM test extract, as OSM
# splits them, moved rigidly to Landsmeer (scripts/record_osm_streets.py; no network).

RECORDED_STREETS = Path(__file__).parent / "recorded" / "osm_streets.geojson"


@pytest.fixture(scope="module")
def osm_streets():
    return geo.load_roads(RECORDED_STREETS)


def street_following_wards(roads, n=3):
    """Wards whose boundaries follow street centre lines (as CBS buurten often do): the blocks
    between the streets, grouped by an n x n grid cell, each connected group a ward."""
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(roads.geometry.values))))
    x0, y0, x1, y1 = roads.total_bounds
    rp = shapely.point_on_surface(faces)
    cx = np.minimum(((shapely.get_x(rp) - x0) / ((x1 - x0) / n)).astype(int), n - 1)
    cy = np.minimum(((shapely.get_y(rp) - y0) / ((y1 - y0) / n)).astype(int), n - 1)
    cell = cx * n + cy
    polys = shapely.get_parts([shapely.union_all(faces[cell == c]) for c in np.unique(cell)])
    polys = polys[shapely.area(polys) > 5_000]
    # CBS-like: the boundary follows the centre line within decimetres, not exactly (a vertex every
    # 5 m, moved by a function of its position, so neighbouring wards still share their boundary).
    polys = shapely.transform(shapely.segmentize(polys, 5.0),
                              lambda xy: xy + 0.3 * np.c_[np.sin(xy[:, 0] * 1.7 + xy[:, 1] * 2.3),
                                                          np.cos(xy[:, 0] * 2.9 - xy[:, 1] * 1.3)])
    return gpd.GeoDataFrame({"code": [f"S{i:02d}" for i in range(len(polys))],
                             "name": [f"Straatwijk {i}" for i in range(len(polys))]}, geometry=polys, crs=geo.RD_NEW)


def grid_wards(roads, n=4):
    """Wards whose boundaries cut across the streets: an n x n grid of squares."""
    x0, y0, x1, y1 = roads.total_bounds
    w, h = (x1 - x0) / n, (y1 - y0) / n
    boxes = [shapely.box(x0 + i * w, y0 + j * h, x0 + (i + 1) * w, y0 + (j + 1) * h) for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame({"code": [f"C{k:02d}" for k in range(len(boxes))],
                             "name": [f"Vak {k}" for k in range(len(boxes))]}, geometry=boxes, crs=geo.RD_NEW)


def proposals_of(wards, roads):
    policy = Policy()
    return {c: [(p["x"], p["y"], p["road"], p["score"]) for p in propose_positions(c, wards, roads, policy).proposals]
            for c in wards["code"]}


@pytest.mark.parametrize("make_wards", [street_following_wards, grid_wards])
def test_real_osm_streets_split_reversed_and_shuffled_change_no_entry_and_no_position(osm_streets, make_wards):
    from test_entries import entry_answer, scramble
    wards = make_wards(osm_streets)
    expected = entry_answer(find_entries(wards, osm_streets, Policy()))
    assert len(expected) > 50
    expected_positions = proposals_of(wards, osm_streets)
    for seed in range(2):
        other = scramble(osm_streets, np.random.default_rng(seed))
        assert entry_answer(find_entries(wards, other, Policy())) == expected
        assert proposals_of(wards, other) == expected_positions


@pytest.mark.parametrize("make_wards", [street_following_wards, grid_wards])
def test_real_osm_ways_joined_beforehand_give_the_same_entries(osm_streets, make_wards):
    """The issue's reference: join the ways of each street first (every way of one name and
    class, joined where they meet end to end, without noding), then apply the same rules."""
    wards = make_wards(osm_streets)
    named = osm_streets[osm_streets["name"] != ""]
    joined = named.groupby(["name", "highway"], as_index=False).agg(
        geometry=("geometry", lambda g: shapely.line_merge(shapely.MultiLineString(list(g)))))
    joined = gpd.GeoDataFrame(joined, geometry="geometry", crs=osm_streets.crs).explode(index_parts=False)
    joined = pd.concat([joined, osm_streets[osm_streets["name"] == ""]], ignore_index=True)
    assert len(joined[joined["name"] != ""]) < len(named)  # the extract does split streets into ways
    got, ref = find_entries(wards, osm_streets, Policy()), find_entries(wards, joined, Policy())
    key = lambda e: sorted(zip(e["ward_code"], e["road"], map(tuple, np.round(shapely.get_coordinates(e.geometry.values), 2))))  # noqa: E731
    assert key(got) == key(ref)


def test_real_osm_entries_whose_first_way_ends_before_the_inset_are_found(osm_streets):
    """OSM ends ways just inside a street-following boundary (at the junction with the
    boundary street, a bridge, a tag change): the street is an entry all the same."""
    wards = street_following_wards(osm_streets)
    e = find_entries(wards, osm_streets, Policy())
    polys = wards.set_index("code").geometry.loc[e["ward_code"]].values
    own_way = osm_streets.geometry.values[e["road_index"].to_numpy()]
    inside = shapely.length(shapely.intersection(own_way, polys))
    short = inside < Policy().inset
    assert short.sum() >= 1
    # ... and the sign stands further along the street, past the end of that first way.
    assert e["candidate"][short].notna().all()
