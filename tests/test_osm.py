"""Roads: a real OSM extract shipped with pyrosm, a small Dutch PBF, NWB and plain line layers."""

from __future__ import annotations

import geopandas as gpd
import osmium
import pyogrio
import pyrosm
import pytest
import shapely

from planner import geo
from planner.errors import InputError
from planner.io.sources import osm

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
    with pytest.raises(InputError, match="--bbox"):
        osm.bbox_lonlat(bad)


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
