"""The core rules: loading, wards, coverage and decisions (one test per rule)."""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

import planner
from planner import placement
from planner.core.coords import to_lonlat
from planner.core.policy import Policy
from planner.core.wards import in_ward, ward_of
from planner.errors import InputError

RD = "EPSG:28992"


def make_wards(*items):
    """Wards from (code, name, polygon) in RD New."""
    return gpd.GeoDataFrame({"code": [c for c, _, _ in items], "name": [n for _, n, _ in items]},
                            geometry=[g for _, _, g in items], crs=RD)


def make_signs(*items):
    """Signs from (id, status, street, (x, y))."""
    return gpd.GeoDataFrame({"id": [i[0] for i in items], "status": [i[1] for i in items],
                             "street": [i[2] for i in items], "placed_on": [""] * len(items)},
                            geometry=[Point(i[3]) for i in items], crs=RD)


def make_requests(*items):
    """Requests from (request_id, date, group_id, (x, y))."""
    return gpd.GeoDataFrame({"request_id": [i[0] for i in items], "date": [i[1] for i in items],
                             "group_id": [i[2] for i in items], "preferred": [""] * len(items)},
                            geometry=[Point(i[3]) for i in items], crs=RD)


def make_groups(*items):
    """Groups from (group_id, registered)."""
    return pd.DataFrame({"group_id": [g for g, _ in items], "group_name": [f"Groep {g}" for g, _ in items],
                         "wabp_registered": [r for _, r in items], "admin_name": ["X"] * len(items),
                         "admin_phone": [""] * len(items), "admin_email": [""] * len(items)})


# Two wards side by side, sharing the border x = 121000.
WEST = ("W1", "West", box(120000, 490000, 121000, 491000))
EAST = ("E1", "Oost", box(121000, 490000, 122000, 491000))


# ------------------------------------------------------------------ demo data


def test_demo_wards_tile_the_municipality_without_gaps_or_overlaps(data_dir):
    wards = planner.load_wards(data_dir / "wijken.geojson")
    union = shapely.union_all(wards.geometry.values)
    assert union.geom_type == "Polygon"
    assert shapely.get_num_interior_rings(union) == 0
    assert wards.area.sum() == pytest.approx(union.area, abs=1.0)
    assert wards["code"].is_unique
    names = set(wards["name"])
    assert {"Den Ilp", "Purmerland", "Het Twiske"} <= names
    assert sum(n.startswith("Landsmeer") for n in names) >= 3
    # At the real location of Landsmeer (RD roughly x 121 000, y 494 000).
    assert union.contains(Point(122955, 494016))


def test_demo_files_are_labelled_illustrative(data_dir):
    for name in ("wijken.geojson", "borden.geojson", "wegen.geojson"):
        props = [f["properties"] for f in json.loads((data_dir / name).read_text())["features"]]
        assert all("llustratie" in p["note"] for p in props), name
    for name in ("groepen.csv", "aanvragen.csv"):
        assert pd.read_csv(data_dir / name)["note"].str.contains("llustratie").all(), name


def test_demo_groups_are_fictitious_with_one_to_three_admins(data_dir):
    groups = planner.load_groups(data_dir / "groepen.csv")
    sizes = groups.groupby("group_id").size()
    assert sizes.min() == 1 and sizes.max() == 3
    assert groups["admin_phone"].str.fullmatch(r"06-000000\d\d").all()
    assert groups["admin_email"].str.endswith("@example.org").all()
    assert groups["wabp_registered"].any() and not groups["wabp_registered"].all()


def test_demo_signs_cover_some_wards_but_not_all(data_dir):
    wards = planner.load_wards(data_dir / "wijken.geojson")
    signs = planner.load_signs(data_dir / "borden.geojson")
    status = planner.ward_status(wards, signs, Policy())
    assert status["covered"].any() and not status["covered"].all()
    assert set(signs["status"]) == {"placed", "planned"}


def test_demo_roads_load_with_names_and_osm_classes(data_dir):
    roads = planner.load_roads(data_dir / "wegen.geojson")
    assert roads.crs == RD
    assert {"tertiary", "residential", "motorway", "cycleway"} <= set(roads["highway"])
    assert (roads["name"] != "").all()


# ------------------------------------------------------------------ loading


def test_geojson_without_crs_member_is_wgs84(tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "S1", "status": "placed"},
         "geometry": {"type": "Point", "coordinates": [4.916, 52.433]}}]}))
    signs = planner.load_signs(path)
    assert signs.crs == RD
    assert signs.geometry.x.iloc[0] == pytest.approx(122955, abs=2)
    assert signs.geometry.y.iloc[0] == pytest.approx(494016, abs=2)


def test_loaders_read_geopackage_shapefile_and_csv_into_rd_new(tmp_path):
    signs = make_signs(("S1", "placed", "Dorpsstraat", (122955, 494016)),
                       ("S2", "planned", "", (123000, 494100)))
    signs.to_crs("EPSG:4326").to_file(tmp_path / "b.gpkg", layer="borden")
    signs.to_file(tmp_path / "b.shp")
    pd.DataFrame({"id": ["S1", "S2"], "status": ["placed", "planned"],
                  "x": [122955, 123000], "y": [494016, 494100]}).to_csv(tmp_path / "rd.csv", index=False)
    lon, lat = to_lonlat(signs.geometry)
    pd.DataFrame({"id": ["S1", "S2"], "status": ["placed", "planned"],
                  "lon": lon, "lat": lat}).to_csv(tmp_path / "ll.csv", index=False)
    for name in ("b.gpkg", "b.shp", "rd.csv", "ll.csv"):
        got = planner.load_signs(tmp_path / name)
        assert got.crs == RD, name
        np.testing.assert_allclose(got.geometry.x, [122955, 123000], atol=0.01)
        np.testing.assert_allclose(got.geometry.y, [494016, 494100], atol=0.01)
        assert list(got["status"]) == ["placed", "planned"]


def test_invalid_polygons_are_repaired_and_reported(tmp_path, caplog):
    bowtie = Polygon([(120000, 490000), (121000, 491000), (121000, 490000), (120000, 491000)])
    assert not bowtie.is_valid
    make_wards(("B1", "Strik", bowtie), EAST).to_file(tmp_path / "w.gpkg")
    with caplog.at_level(logging.WARNING, logger="planner"):
        wards = planner.load_wards(tmp_path / "w.gpkg")
    assert wards.is_valid.all()
    assert wards.attrs["repaired"] == ["B1"]
    assert wards.geometry.iloc[0].area == pytest.approx(500_000, rel=1e-6)
    assert "B1" in caplog.text and "gerepareerd" in caplog.text



def test_dutch_spreadsheet_csv_with_semicolons_and_decimal_commas_reads(tmp_path):
    # Dutch Excel: ';' between fields, ',' as decimal sign, Windows-1252 text, often a BOM.
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfrequest_id;date;group_id;lon;lat\r\nA1;2026-09-01;G01;4,9166;52,4336\r\n")
    reqs = planner.load_requests(path)
    assert list(reqs.columns[:3]) == ["request_id", "date", "group_id"]
    assert reqs.geometry.x.iloc[0] == pytest.approx(123000, abs=10)
    (tmp_path / "g.csv").write_bytes("group_id;group_name;admin_name\nG01;Café Noord;José\n".encode("cp1252"))
    assert planner.load_groups(tmp_path / "g.csv")["group_name"].iloc[0] == "Café Noord"


def test_request_dates_in_dutch_order_are_read_and_nonsense_dates_are_errors(tmp_path):
    path = tmp_path / "a.csv"
    rows = ["1-9-2026", "02/09/2026", "2026/09/03", "2026-09-04 10:30", "20260905", "06.09.2026"]
    path.write_text("request_id,date,group_id,x,y\n" + "".join(
        f"A{i},{d},G01,123000,494000\n" for i, d in enumerate(rows)))
    assert list(planner.load_requests(path)["date"]) == [f"2026-09-0{k}" for k in range(1, 7)]
    for bad in ("1 september 2026", "31-02-2026", "09/2026"):
        path.write_text(f"request_id,date,group_id,x,y\nA1,{bad},G01,123000,494000\n")
        with pytest.raises(InputError, match="ongeldige datum"):
            planner.load_requests(path)


def test_geopackage_with_several_layers_takes_the_named_layer_or_asks(tmp_path):
    wards = make_wards(WEST, EAST)
    signs = make_signs(("S1", "placed", "", (120500, 490500)))
    path = tmp_path / "alles.gpkg"
    wards.to_file(path, layer="wijken")
    signs.to_file(path, layer="borden")
    assert list(planner.load_wards(path)["code"]) == ["W1", "E1"]
    assert list(planner.load_signs(path)["id"]) == ["S1"]
    assert list(planner.load_signs(f"{path}:borden")["id"]) == ["S1"]
    wards.to_file(path, layer="buurten")  # wijken and buurten: which one is meant?
    with pytest.raises(InputError, match="meerdere lagen .*wijken.*buurten"):
        planner.load_wards(path)
    assert len(planner.load_wards(f"{path}:buurten")) == 2
    with pytest.raises(InputError, match="laag 'wegen' bestaat niet"):
        planner.load_roads(f"{path}:wegen")


def test_shapefile_without_prj_is_rd_new_or_an_error_when_the_numbers_are_degrees(tmp_path, caplog):
    wards = make_wards(WEST, EAST)
    wards.to_file(tmp_path / "rd.shp")
    (tmp_path / "rd.prj").unlink()
    with caplog.at_level(logging.WARNING, logger="planner"):
        assert planner.load_wards(tmp_path / "rd.shp").crs == RD
    assert "aangenomen RD New" in caplog.text
    wards.to_crs("EPSG:4326").to_file(tmp_path / "deg.shp")
    (tmp_path / "deg.prj").unlink()
    with pytest.raises(InputError, match="geen CRS .* graden"):
        planner.load_wards(tmp_path / "deg.shp")


# ------------------------------------------------------------------ wards and coverage


def test_point_within_half_a_metre_of_a_shared_border_lies_in_both_wards():
    wards = make_wards(WEST, EAST)
    points = [Point(121000, 490500), Point(121000.4, 490500), Point(121000.6, 490500)]
    assert list(ward_of(points, wards)) == [-2, -2, 1]
    pi, wi = placement.ward_index(wards).pairs(points)
    assert [(p, wards["code"].iloc[w]) for p, w in zip(pi, wi)] == [(0, "E1"), (0, "W1"), (1, "E1"), (1, "W1"),
                                                                     (2, "E1")]
    # The same predicate, elementwise, for one ward.
    assert list(in_ward(points, WEST[2])) == [True, True, False]


def test_sign_on_a_shared_border_counts_for_both_wards():
    wards = make_wards(WEST, EAST)
    signs = make_signs(("S1", "placed", "Grensweg", (121000.2, 490500)))
    status = planner.ward_status(wards, signs, Policy())
    assert list(status["covered"]) == [True, True]
    reqs = make_requests(("R1", "2026-01-01", "G1", (120500, 490500)), ("R2", "2026-01-02", "G1", (121500, 490500)))
    ds = decide(reqs, signs)
    assert [(ds[r].outcome, ds[r].reason_code) for r in ("R1", "R2")] == [("rejected", "ward_covered")] * 2


def test_request_on_a_shared_border_needs_review_naming_both_wards():
    d = decide(make_requests(("R1", "2026-01-01", "G1", (121000.3, 490500))))["R1"]
    assert (d.outcome, d.reason_code, d.ward) == ("needs_review", "on_boundary", None)
    assert [w["code"] for w in d.boundary_wards] == ["E1", "W1"]
    assert "West" in d.reason and "Oost" in d.reason


def test_ward_of_answers_all_points_at_once_and_minus_one_outside():
    wards = make_wards(WEST, EAST)
    points = gpd.GeoSeries([Point(120500, 490500), Point(121500, 490500), Point(130000, 490500)], crs=RD)
    assert list(ward_of(points, wards)) == [0, 1, -1]


def test_only_signs_with_a_counted_status_cover_a_ward():
    wards = make_wards(WEST, EAST)
    signs = make_signs(("S1", "placed", "", (120500, 490500)), ("S2", "planned", "", (121500, 490500)))
    both = planner.ward_status(wards, signs, Policy())
    assert list(both["covered"]) == [True, True]
    placed_only = planner.ward_status(wards, signs, Policy(coverage_statuses=("placed",)))
    assert list(placed_only["signs"]) == [1, 0]
    assert list(placed_only["covered"]) == [True, False]


# ------------------------------------------------------------------ decisions


def decide(requests, signs=None, groups=None, policy=None):
    wards = make_wards(WEST, EAST)
    signs = make_signs() if signs is None else signs
    groups = make_groups(("G1", True), ("G2", False)) if groups is None else groups
    return {d.request_id: d for d in planner.decide_requests(requests, wards, signs, groups, policy or Policy())}


def test_covered_ward_is_rejected_naming_the_signs_and_their_streets():
    signs = make_signs(("S1", "placed", "Dorpsstraat", (120500, 490500)))
    d = decide(make_requests(("R1", "2026-01-01", "G1", (120600, 490600))), signs)["R1"]
    assert (d.outcome, d.reason_code) == ("rejected", "ward_covered")
    assert [s["id"] for s in d.signs] == ["S1"]
    assert "S1" in d.reason and "Dorpsstraat" in d.reason and "West" in d.reason


def test_uncovered_ward_is_approved():
    d = decide(make_requests(("R1", "2026-01-01", "G1", (121500, 490500))))["R1"]
    assert (d.outcome, d.reason_code) == ("approved", "ward_not_covered")
    assert d.ward == {"code": "E1", "name": "Oost"}
    assert "Oost" in d.reason


def test_location_outside_every_ward_is_rejected():
    d = decide(make_requests(("R1", "2026-01-01", "G1", (150000, 450000))))["R1"]
    assert (d.outcome, d.reason_code, d.ward) == ("rejected", "outside_wards", None)


def test_unknown_group_needs_review():
    d = decide(make_requests(("R1", "2026-01-01", "G404", (121500, 490500))))["R1"]
    assert (d.outcome, d.reason_code) == ("needs_review", "unknown_group")
    assert "G404" in d.reason


def test_unregistered_group_needs_review_only_when_policy_requires_registration():
    req = make_requests(("R1", "2026-01-01", "G2", (121500, 490500)))
    assert decide(req)["R1"].outcome == "approved"
    strict = decide(req, policy=planner.preset("landgraaf"))["R1"]
    assert (strict.outcome, strict.reason_code) == ("needs_review", "group_not_registered")


def test_requests_are_decided_in_date_order_and_an_earlier_approval_covers_the_ward():
    # Listed out of order: R-late comes first in the file but was made later.
    reqs = make_requests(("R-late", "2026-03-01", "G1", (121600, 490600)),
                         ("R-early", "2026-02-01", "G2", (121500, 490500)))
    ds = planner.decide_requests(reqs, make_wards(WEST, EAST), make_signs(),
                                 make_groups(("G1", True), ("G2", True)), Policy())
    assert [d.request_id for d in ds] == ["R-early", "R-late"]
    early, late = ds
    assert early.outcome == "approved" and early.proposals == [] and early.signs_to_place == 2
    # Without roads no position is known yet (never the request location): the
    # ward is "in behandeling" and later requests are rejected; the approval is named in the
    # staff notes, never in the reason (it reaches another group's letter).
    assert (late.outcome, late.reason_code) == ("rejected", "ward_in_progress")
    assert late.signs == [] and "R-early" not in late.reason and any("R-early" in n for n in late.notes)



def test_requests_on_the_same_date_are_decided_in_file_order():
    # Two admins of one ward ask on the same day: the first row in the file gets the signs.
    reqs = make_requests(("R-b", "2026-03-01", "G2", (121600, 490600)),
                         ("R-a", "2026-03-01", "G1", (121500, 490500)))
    ds = planner.decide_requests(reqs, make_wards(WEST, EAST), make_signs(),
                                 make_groups(("G1", True), ("G2", True)), Policy())
    assert [(d.request_id, d.outcome) for d in ds] == [("R-b", "approved"), ("R-a", "rejected")]
    assert ds[1].reason_code == "ward_in_progress" and any("R-b" in n for n in ds[1].notes)

def test_demo_requests_exercise_every_outcome(data_dir):
    wards = planner.load_wards(data_dir / "wijken.geojson")
    signs = planner.load_signs(data_dir / "borden.geojson")
    groups = planner.load_groups(data_dir / "groepen.csv")
    reqs = planner.load_requests(data_dir / "aanvragen.csv")
    codes = {(d.outcome, d.reason_code) for d in planner.decide_requests(reqs, wards, signs, groups, Policy())}
    assert {("rejected", "ward_covered"), ("approved", "ward_not_covered"),
            ("rejected", "outside_wards"), ("needs_review", "unknown_group")} <= codes
    strict = {(d.outcome, d.reason_code)
              for d in planner.decide_requests(reqs, wards, signs, groups, planner.preset("landgraaf"))}
    assert ("needs_review", "group_not_registered") in strict


# ------------------------------------------------------------------ policy


def test_default_policy_is_landsmeers_rule():
    p = planner.preset("landsmeer")
    assert p == Policy(name="landsmeer", description=p.description)
    assert p.min_signs_for_coverage == 1 and set(p.coverage_statuses) == {"placed", "planned"}
    assert not p.registration_required


def test_presets_of_other_municipalities_load():
    names = planner.preset_names()
    assert {"landsmeer", "coevorden", "landgraaf", "noordwijk", "dongeradeel"} <= set(names)
    assert planner.preset("noordwijk").registration_required
    assert planner.preset("noordwijk").coverage_statuses == ("placed",)
    assert planner.preset("dongeradeel").max_signs == 2


def test_policy_file_can_start_from_a_preset(tmp_path):
    path = tmp_path / "mijn.toml"
    path.write_text('preset = "landgraaf"\nmax_signs = 3\n')
    p = planner.load_policy(path)
    assert (p.name, p.max_signs, p.registration_required) == ("mijn", 3, True)


@pytest.mark.parametrize("text", ['max_sign = 3\n', 'max_signs = -1\n', 'coverage_statuses = ["weg"]\n', "max_signs = \n"])
def test_bad_policy_file_is_an_input_error(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(InputError):
        planner.load_policy(path)


@pytest.mark.parametrize("text, key", [
    ("max_signs = 0\n", "max_signs"),
    ("max_signs = 2.5\n", "max_signs"),
    ("max_signs = nan\n", "max_signs"),
    ("max_signs = inf\n", "max_signs"),
    ("max_signs = true\n", "max_signs"),
    ("min_signs_for_coverage = 0\n", "min_signs_for_coverage"),
    ("min_signs_for_coverage = 3\n", "min_signs_for_coverage"),   # more than max_signs (2)
    ("registration_required = \"nee\"\n", "registration_required"),
    ("registration_required = 1\n", "registration_required"),
    ("inset = -1\n", "inset"),
    ("cover_radius = inf\n", "cover_radius"),
    ("boundary_clearance = nan\n", "boundary_clearance"),
    ("min_spacing = \"100\"\n", "min_spacing"),
    ("coverage_statuses = \"placed\"\n", "coverage_statuses"),
    ("coverage_statuses = []\n", "coverage_statuses"),
    ("class_weights = 5\n", "class_weights"),
    ("[class_weights]\nresidential = -2\n", "class_weights"),
    ("preset = 5\n", "preset"),
    ("name = 7\n", "name"),
    ("maximum_signs = 2\n", "maximum_signs"),
])
def test_a_policy_is_checked_as_a_whole_and_each_violation_names_its_key(tmp_path, text, key):
    path = tmp_path / "beleid.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=key):
        planner.load_policy(path)


@pytest.mark.parametrize("text, key", [
    ("max_signs = 9223372036854775807\n", "max_signs hoogstens 50"),
    ("max_signs = 51\n", "max_signs hoogstens 50"),
    ("cover_radius = 1e300\n", "cover_radius hoogstens 10.000 m"),
    ("merge_distance = 20000\n", "merge_distance hoogstens 10.000 m"),
    ("[class_weights]\nresidential = 1e308\n", "class_weights: gewicht van residential hoogstens 1000"),
])
def test_absurd_policy_numbers_are_refused_naming_the_key_and_the_limit(tmp_path, text, key):
    path = tmp_path / "beleid.toml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        planner.load_policy(path)
    assert key in str(err.value).replace("mag ", "")


def test_every_violation_of_a_policy_is_named(tmp_path):
    path = tmp_path / "beleid.toml"
    path.write_text('max_signs = 0\nregistration_required = "ja"\ninset = -5\n')
    with pytest.raises(InputError) as err:
        planner.load_policy(path)
    assert all(k in str(err.value) for k in ("max_signs", "registration_required", "inset"))


def test_a_bad_policy_on_the_command_line_is_one_error_line(tmp_path, run_cli):
    path = tmp_path / "beleid.toml"
    path.write_text("max_signs = 0\n")
    res = run_cli("status", "--policy", path)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("error:") == 1 and "max_signs" in res.stderr and "Traceback" not in res.stderr


def test_the_street_of_a_point_has_one_radius():
    """A sign's street, in a decision's reason and after a move, is the nearest named road within
    the one STREET_SEARCH_RADIUS (25 m): 20 m from Kerkweg it is Kerkweg, 40 m away it has none."""
    from planner.register.requests import street_at

    roads = gpd.GeoDataFrame({"name": ["Kerkweg"], "highway": ["residential"]},
                             geometry=[shapely.LineString([(120000, 490500), (121000, 490500)])], crs=RD)
    assert planner.core.wards.STREET_SEARCH_RADIUS == 25.0
    near, far = (120500, 490520), (120500, 490540)
    for spot, street in ((near, "Kerkweg"), (far, "")):
        signs = make_signs(("S1", "placed", "", spot), ("S2", "placed", "", spot))
        reqs = make_requests(("R1", "2026-03-01", "G1", (120300, 490300)))
        d = planner.decide_requests(reqs, make_wards(WEST, EAST), signs, make_groups(("G1", True)), Policy(),
                                    roads=roads)[0]
        assert d.reason_code == "ward_covered" and [s["street"] for s in d.signs] == [street, street]
        assert street_at(Point(spot), roads) == street
        assert list(placement.nearest_street([Point(spot)], roads)) == [street]


def test_the_date_of_an_event_has_one_rule(monkeypatch):
    """Register changes, request and sign events all take their date from coords.event_date."""
    from planner.app import lifecycle
    from planner.core import coords
    from planner.register import groups as register
    from planner.register import requests as history

    monkeypatch.setenv("PLANNER_NOW", "2026-10-01T12:00:00Z")
    assert coords.event_date(None) == "2026-10-01" and coords.event_date("1-9-2026") == "2026-09-01"
    for bad, says in (("", "lege datum"), ("2026-10-02", "in de toekomst"), ("31-02-2026", "ongeldige datum")):
        with pytest.raises(InputError, match=says):
            coords.event_date(bad)
    assert history.event_date is lifecycle.event_date is register.event_date is coords.event_date
