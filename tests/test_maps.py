"""The maps as HTML: page data, status, privacy, escaping, size, topology, CLI.

What the maps do in a real browser is tested in ``test_browser.py``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
import mapdata  # noqa: E402
from mapdata import IMG, SCRIPT  # noqa: E402

from planner.core import vocabulary  # noqa: E402
from planner.render.maps import bundle as maps_assets
from planner.render.maps import page as maps
from planner.render.maps import topology as mt
from planner.render.maps.data import CLUSTER_MIN_POINTS, read_page_data


@pytest.fixture(scope="module")
def demo(request):
    data = Path(request.config.rootpath) / "data"
    return mapdata.load(data)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory, request):
    src = Path(request.config.rootpath) / "data"
    return mapdata.hostile_data(src, tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def hostile_pages(hostile_dir):
    wards, signs, roads, groups, decisions = mapdata.load(hostile_dir)
    decisions = mapdata.with_proposals(decisions)
    return maps.map_pages(wards, signs, decisions, roads=roads, groups=groups)


def variants(text: str) -> set[str]:
    """How ``text`` could appear in a page: raw, HTML-escaped, JSON-escaped."""
    escaped = html.escape(text, quote=True)
    out = {text, escaped}
    for s in (text, escaped):
        out.add(json.dumps(s, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026"))
    return out


def legend_of(page: str) -> str:
    """The legend's HTML (the Box control's innerHTML)."""
    part = page.split('"pl-box pl-legend"')[1].split("d.innerHTML = ", 1)[1]
    return json.loads(part[:part.index(";\n")])


def info_of(page: str) -> str:
    part = page.split('"pl-box pl-info"')[1].split("d.innerHTML = ", 1)[1]
    return json.loads(part[:part.index(";\n")])


def test_overview_has_every_layer_legend_and_basemap(demo):
    wards, signs, roads, groups, decisions = demo
    page = maps.render(maps.overview_map(maps.prepare(wards, signs, decisions, roads=roads, groups=groups)))
    d = read_page_data(page)
    assert {"topo", "wards", "signs", "decisions", "roads", "words", "strings"} <= set(d)
    assert len(d["wards"]["code"]) == len(wards) and len(d["signs"]["id"]) == len(signs)
    assert d["words"]["layers"]["wards"] == "Wijken" and d["words"]["layers"]["entryRoads"] == "Invalswegen"
    assert "Legenda" in legend_of(page) and "invalsweg" in legend_of(page)
    assert "service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857" in page
    assert "tile.openstreetmap.org" in page and "luchtfotorgb" in page
    copy = "\\u0026copy;"  # &copy; inside the embedded JSON options
    assert f"Kaartgegevens {copy}" in page and "OpenStreetMap-bijdragers" in page
    assert f"Luchtfoto {copy} Beeldmateriaal Nederland / PDOK" in page
    # the PDOK basemap is the one shown; the others are alternatives in the layer control
    assert page.index("achtergrondkaart/wmts") < page.index("tile.openstreetmap.org")
    assert page.count(".addTo(map_") >= 1


def test_pages_carry_leaflet_and_load_nothing_but_tiles_from_the_network(hostile_pages):
    for name, page in hostile_pages.items():
        assert re.findall(r"<script[^>]*\ssrc=", page) == [], name
        assert re.findall(r"<link[^>]*\shref=", page) == [], name
        assert "cdn." not in page and "jsdelivr" not in page and "unpkg" not in page, name
        assert "url(images/" not in page and "sourceMappingURL" not in page, name  # CSS images inlined
        # the only addresses the page fetches: basemap tiles (and the public map's address search)
        fetched = set(re.findall(r"https://[^/\"'\\]+/[^\"'\s\\]*\{z\}", page))
        assert {u.split("/")[2] for u in fetched} == {"service.pdok.nl", "tile.openstreetmap.org"}, name
    page = hostile_pages["overzicht.html"]
    for package in ("leaflet", "topojson-client"):
        version, licence = maps_assets.ASSET_VERSIONS[package], maps_assets.LICENCES[package]
        assert f"/* {package} {version} ({licence}; licence text in the planner package" in page
    assert "Leaflet 1.9.4, a JS library for interactive maps" in page  # the library's own notice kept
    assert "leaflet.markercluster" not in page  # only large maps carry it
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


def test_pages_are_in_dutch(hostile_pages):
    for name, page in hostile_pages.items():
        assert '<html lang="nl">' in page, name
        # Leaflet's own words, set before the map is made
        for word in ("'Inzoomen'", "'Uitzoomen'", "'Kaartlagen'", "'Sluiten'"):
            assert word in page, (name, word)
        assert "A JavaScript library for interactive maps\">" not in page.split("</script>")[-2]
    d = read_page_data(hostile_pages["aanvraag-A002.html"])
    assert d["decisions"]["date"] == ["3 september 2026"]
    assert "3 september 2026" in info_of(hostile_pages["aanvraag-A002.html"])
    overview = read_page_data(hostile_pages["overzicht.html"])
    assert "15 maart 2021" in overview["strings"] and not any(re.fullmatch(r"\d{4}-\d\d-\d\d", t)
                                                                for t in overview["strings"])
    assert overview["words"]["basemapUnavailable"] == \
        "De achtergrondkaart is niet beschikbaar (geen internetverbinding?)"


def test_dates_read_as_people_write_them():
    from planner.core.vocabulary import date_nl

    assert date_nl("2026-09-03") == "3 september 2026"
    assert date_nl("2026-12-07T10:00:00") == "7 december 2026"
    assert date_nl("") == "" and date_nl(None) == "" and date_nl(float("nan")) == ""
    assert date_nl("begin 2021") == "begin 2021"  # not a date: left as written


def test_ward_status_is_covered_pending_or_not_covered(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups)
    status = dict(zip(data.wards["code"], data.wards["status"]))
    assert status["LM03"] == "gedekt"          # B001, B002 hang there
    assert status["LM04"] == "in_behandeling"  # A002 approved, signs not placed yet
    # the ward verdict: an approval makes a ward "in behandeling", a request under review does not
    pending = {d.ward["code"] for d in decisions if d.ward and d.outcome == "approved"}
    assert {c for c, s in status.items() if s == "in_behandeling"} == pending - {
        c for c, s in status.items() if s == "gedekt"}
    assert "niet_gedekt" in status.values()


def test_public_map_contains_no_admin_data_and_no_requests(hostile_dir, hostile_pages, data_dir):
    page = hostile_pages["overzicht-openbaar.html"]
    secrets = mapdata.admin_strings(data_dir / "groepen.csv") + list(mapdata.HOSTILE_ADMIN.values())
    assert len(secrets) > 30
    for secret in secrets:
        for form in variants(secret):
            assert form not in page, f"public map contains admin data {secret!r}"
    assert "Vijand" not in page and "example.org" not in page
    d = read_page_data(page)
    assert "decisions" not in d and "admins" not in d  # no request locations (often a resident's home)
    assert d["public"] is True and d["wardGroups"]  # active groups by name only


def test_decision_maps_contain_no_admin_data(hostile_pages, data_dir):
    secrets = mapdata.admin_strings(data_dir / "groepen.csv") + list(mapdata.HOSTILE_ADMIN.values())
    for name, page in hostile_pages.items():
        if name.startswith("aanvraag-"):
            assert "admins" not in read_page_data(page), name
            for secret in secrets:
                assert not any(form in page for form in variants(secret)), (name, secret)


def test_internal_map_shows_admin_contacts(hostile_pages):
    page = hostile_pages["overzicht.html"]
    d = read_page_data(page)
    people = [p for group in d["admins"].values() for p in group]
    assert ["Jan Voorbeeld", "06-00000001", "jan.voorbeeld@example.org"] in people
    assert d["words"]["labels"]["admins"] == "Beheerders (intern)"


def test_outside_text_is_escaped(hostile_pages):
    for name, page in hostile_pages.items():
        assert "<script>alert" not in page, name
        assert "<img" not in page, name
        assert page.count("</script>") == page.count("<script"), name  # nothing closes a script early
    overview = hostile_pages["overzicht.html"]
    for text in (SCRIPT, IMG):  # present, but only as escaped text
        assert any(form in overview for form in variants(text) - {text}), text
    d = read_page_data(overview)
    assert IMG in d["wards"]["name"] and SCRIPT in d["groups"]["name"]  # raw in the data, escaped by the page


def test_text_python_puts_into_the_page_is_escaped(hostile_pages):
    info = info_of(hostile_pages["aanvraag-A002.html"])
    assert SCRIPT not in info and html.escape(SCRIPT) in info


def test_only_displayed_properties_are_embedded(hostile_pages):
    d = read_page_data(hostile_pages["overzicht.html"])
    assert set(d["wards"]) <= {"code", "name", "state", "label", "pop", "wijk"}
    assert set(d["signs"]) <= {"id", "st", "street", "date", "req", "w", "c", "cx", "xy"}
    assert "Illustratieve demodata" not in hostile_pages["overzicht.html"]  # the 'note' column


def test_points_are_stored_to_about_a_metre(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions)
    d = maps.page_data(data, public=False)
    assert d["grid"]["q"] == 10 ** -maps.DECIMALS
    lonlat = data.grid.lonlat(mt.decode(d["signs"]["xy"]))
    from planner.core.coords import to_lonlat
    lon, lat = to_lonlat(signs.geometry)
    assert np.abs(lonlat[:, 0] - lon).max() <= 0.6e-5 and np.abs(lonlat[:, 1] - lat).max() <= 0.6e-5


def test_ward_geometry_is_simplified(demo):
    wards, signs, roads, groups, decisions = demo
    dense = wards.copy()
    dense.geometry = shapely.segmentize(dense.geometry.values, 1.0)  # a vertex every metre
    data = maps.prepare(dense, signs, decisions)
    before = shapely.get_num_coordinates(dense.geometry.values).sum()
    after = sum(len(mt.decode(a)) for a in data.topology["arcs"])
    assert after < before / 20


def test_shared_borders_are_stored_once(demo):
    wards, signs, roads, groups, decisions = demo
    topo = maps.prepare(wards, signs, decisions).topology
    uses = {}
    for g in topo["objects"]["wards"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for ring in (r for p in polys for r in p):
            for ref in ring:
                uses[~ref if ref < 0 else ref] = uses.get(~ref if ref < 0 else ref, 0) + 1
    assert max(uses.values()) == 2  # an arc is one border, between two wards
    assert sum(1 for n in uses.values() if n == 2) >= 8
    assert len(uses) == len(topo["arcs"])


def test_topology_gives_back_the_wards_to_a_few_metres(demo):
    import geopandas as gpd

    from planner.core.coords import RD_NEW, WGS84

    wards = demo[0]
    grid = mt.Grid.for_bounds(*wards.total_bounds[:2])
    topo = mt.build_topology(wards.geometry.values, grid, tolerance=maps.SIMPLIFY_TOLERANCE)
    for i, ward in enumerate(wards.geometry.values):
        polys = [shapely.Polygon(r[0], r[1:]) for r in mt.ward_rings(topo, i)]
        back = gpd.GeoSeries([shapely.MultiPolygon(polys)], crs=WGS84).to_crs(RD_NEW).iloc[0]
        assert back.is_valid
        assert shapely.hausdorff_distance(back, ward) < maps.SIMPLIFY_TOLERANCE + 1.5, wards["code"].iloc[i]


def test_topology_keeps_enclaves_and_their_holes():
    outer = shapely.box(120000, 490000, 121000, 491000)
    inner = shapely.box(120400, 490400, 120600, 490600)
    grid = mt.Grid.for_bounds(120000, 490000)
    topo = mt.build_topology(np.array([outer.difference(inner), inner], dtype=object), grid)
    ring = mt.ward_rings(topo, 0)[0]
    assert len(ring) == 2  # exterior and the hole
    hole_arcs = topo["objects"]["wards"]["geometries"][0]["arcs"][1]
    enclave_arcs = topo["objects"]["wards"]["geometries"][1]["arcs"][0]
    assert [~r if r < 0 else r for r in hole_arcs] == [~r if r < 0 else r for r in enclave_arcs]


def test_encoded_integers_round_trip():
    values = np.array([0, 1, -1, 15, 16, -16, 31, 32, 1000, -123456, 2 ** 40, -(2 ** 40)])
    assert mt.decode_ints(mt.encode_ints(values)).tolist() == values.tolist()
    parts = mt.encode_split(values, [0, 3, 3, 12])
    assert [mt.decode_ints(p).tolist() for p in parts] == [values[:3].tolist(), [], values[3:].tolist()]


def test_proposals_are_named_by_their_id_as_the_sign_will_be(hostile_pages):
    d = read_page_data(hostile_pages["aanvraag-A002.html"])
    assert sorted(d["proposals"]["rank"]) == [1, 2]
    assert sorted(d["proposals"]["id"]) == ["A002-1", "A002-2"]
    assert vocabulary.road_class_nl("tertiary") in d["strings"]  # road classes in Dutch
    assert "tertiary" not in d["strings"]
    overview = read_page_data(hostile_pages["overzicht.html"])
    assert sorted(overview["proposals"]["id"]) == ["A002-1", "A002-2"]


def test_proposal_popups_explain_in_words_without_scores_or_entry_codes(demo):
    from planner import geo
    from planner.core.policy import Policy
    from planner.placement import decide_requests
    from planner.siting.proposals import make_proposer

    wards, signs, roads, groups, _ = demo
    requests = geo.load_requests(Path(__file__).parent.parent / "data" / "aanvragen.csv")
    decisions = decide_requests(requests, wards, signs, groups, Policy(), roads=roads,
                                proposer=make_proposer(wards, roads, Policy()))
    a008 = next(d for d in decisions if d.request_id == "A008")
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    d = read_page_data(maps.render(maps.decision_map(data, a008)))
    pr = d["proposals"]
    assert pr["id"] == ["A008-1", "A008-2"]
    assert pr["n"] == [len(p["entries"]) for p in a008.proposals]   # the entries each one covers ...
    assert pr["of"] == [4, 4]                                     # ... of the ward's four entry roads
    assert [[d["strings"][i] for i in v] for v in pr["via"]] == [["Dorpsstraat"], ["Dorpsstraat"]]
    assert pr["clear"] == [round(p["clearance"]) for p in a008.proposals]
    # positions as lat, lon (and RD New as x, y)
    assert pr["ll"][:2] == [round(a008.proposals[0]["lat"], 5), round(a008.proposals[0]["lon"], 5)]
    assert "score" not in pr and "expl" not in pr
    assert not any(re.search(r"LM\d\d-E\d|Score", t) for t in d["strings"])
    labels = d["words"]["labels"]
    assert labels["coversEntries"] == "{n} van de {of} invalswegen van de wijk"
    assert labels["latLon"] == "Coördinaten (breedte, lengte)"


def test_decision_map_shows_request_and_decision_sentence_zoomed_to_ward(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    a001 = next(d for d in decisions if d.request_id == "A001")
    page = maps.render(maps.decision_map(data, a001))
    assert html.escape(a001.reason) in info_of(page)
    d = read_page_data(page)
    assert sorted(d["signs"]["id"]) == ["B001", "B002"]  # the signs that cover the ward, as the reason names
    assert d["decisions"]["id"] == ["A001"] and d["decisions"]["open"] == [0]
    assert d["wards"]["code"][d["focus"]] == "LM03"
    assert len(d["wards"]["code"]) < len(wards) + 1  # the ward and its neighbours
    x0, y0, x1, y1 = wards[wards["code"] == "LM03"].to_crs("EPSG:4326").total_bounds
    (s, w), (n, e) = d["bounds"]
    assert s <= y0 + 1e-4 and w <= x0 + 1e-4 and n >= y1 - 1e-4 and e >= x1 - 1e-4
    assert n - s < (y1 - y0) * 1.2 and e - w < (x1 - x0) * 1.2


def test_no_entries_decision_map_shows_the_roads_its_reason_names(demo):
    from planner import geo
    from planner.core.policy import Policy
    from planner.placement import decide_requests
    from planner.siting.proposals import make_proposer

    wards, signs, roads, groups, _ = demo
    requests = geo.load_requests(Path(__file__).parent.parent / "data" / "aanvragen.csv")
    policy = Policy()
    decisions = decide_requests(requests, wards, signs, groups, policy, roads=roads,
                                proposer=make_proposer(wards, roads, policy))
    blocked = [d for d in decisions if d.reason_code == "no_entries"]
    assert blocked, "the demo has a request for a ward without entries"
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups)
    for decision in blocked:
        d = read_page_data(maps.render(maps.decision_map(data, decision)))
        roads_shown = [d["strings"][i] for i, entry in zip(d["roads"]["name"], d["roads"]["entry"])
                       if not entry and i >= 0]
        assert roads_shown, decision.reason
        named = [r for r in set(roads_shown) if r in decision.reason]
        assert named or "geen invalsweg" in decision.reason or "binnen" in decision.reason, decision.reason
        assert "weg die geen invalsweg is" in legend_of(maps.render(maps.decision_map(data, decision)))


def test_entry_roads_are_highlighted_around_each_entry(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads)
    assert len(data.entry_roads) > 0
    assert set(data.entry_roads["ward_code"]) <= set(wards["code"])
    # Motorways and cycleways are no entries under Landsmeer's policy.
    assert not set(data.entry_roads["road_class"]) & {"motorway", "cycleway"}


def test_ward_popups_can_name_their_counted_signs(demo):
    wards, signs, roads, groups, decisions = demo
    d = maps.page_data(maps.prepare(wards, signs, decisions), public=False)
    lm03 = d["wards"]["code"].index("LM03")
    counted = [d["signs"]["id"][k] for k in range(len(d["signs"]["id"]))
               if d["signs"]["c"][k] and d["signs"]["w"][k] == lm03]
    assert sorted(counted) == ["B001", "B002"]


def test_one_vocabulary_for_outcomes_states_and_road_classes(hostile_pages):
    from planner.cli import core
    from planner.render import report

    assert report.OUTCOME_NL is vocabulary.OUTCOME_NL and core.OUTCOME_NL is vocabulary.OUTCOME_NL
    words = read_page_data(hostile_pages["overzicht.html"])["words"]
    assert words["outcomes"] == vocabulary.OUTCOME_NL and words["states"] == vocabulary.WARD_STATE_NL
    legend = legend_of(hostile_pages["overzicht.html"])
    for state in ("gedekt", "in_behandeling", "niet_gedekt"):
        assert vocabulary.WARD_STATE_LEGEND[state] in legend
    assert "Wijk aanvraag" not in legend
    assert vocabulary.OUTCOME_NL["needs_review"] == "ter beoordeling"


@pytest.fixture
def planner_main(tmp_path, monkeypatch, data_dir, capsys):
    """``planner.cli.main`` in ``tmp_path`` on the demo data: (exit code, stdout, stderr)."""
    from planner.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))

    def run(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_map_command_writes_internal_and_public_overview(planner_main, tmp_path):
    code, out, err = planner_main("map", "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(Path("maps") / "overzicht.html")
    assert "Jan Voorbeeld" in (tmp_path / "maps" / "overzicht.html").read_text(encoding="utf-8")
    code, out, err = planner_main("map", "--public", "--out", "publiek/kaart.html")
    assert code == 0, err
    page = (tmp_path / "publiek" / "kaart.html").read_text(encoding="utf-8")
    assert "Jan Voorbeeld" not in page and "<title>" in page


def test_map_command_writes_one_decision_map(planner_main, tmp_path):
    code, out, err = planner_main("map", "--request", "A001")
    assert code == 0, err
    assert (tmp_path / "maps" / "aanvraag-A001.html").exists()


def test_map_reuses_saved_decisions_instead_of_deciding_again(planner_main, tmp_path, monkeypatch):
    code, out, err = planner_main("decide", "--json")
    assert code == 0, err
    saved = json.loads(out)
    saved[0]["reason"] = "Zoals vastgelegd."  # a recorded decision differs from a new one
    (tmp_path / "besluiten.json").write_text(json.dumps(saved), encoding="utf-8")
    from planner.app import decide

    def no_deciding(*args, **kwargs):
        raise AssertionError("map decided again")

    monkeypatch.setattr(decide, "decide_all", no_deciding)
    code, out, err = planner_main("map", "--decisions", "besluiten.json", "--json")
    assert code == 0, err
    assert json.loads(out)["decisions"] == len(saved)
    d = read_page_data((tmp_path / "maps" / "overzicht.html").read_text(encoding="utf-8"))
    assert "Zoals vastgelegd." in d["decisions"]["reason"]
    code, out, err = planner_main("map", "--decisions", "besluiten.json", "--request", saved[1]["request_id"])
    assert code == 0, err


def test_map_reads_the_decisions_that_demo_writes(planner_main, tmp_path):
    code, out, err = planner_main("demo", "--out", "uit")
    assert code == 0, err
    code, out, err = planner_main("map", "--decisions", "uit/besluiten.json", "--public", "--json")
    assert code == 0, err


@pytest.mark.parametrize("content, message", [
    ("{", "geen geldige JSON"), ('{"a": 1}', "lijst"), ('[{"request_id": "A1"}]', "mist"),
    ('[{"request_id": "A1", "date": "2026-01-01", "group_id": "G1", "outcome": "misschien", "reason_code": "x",'
     ' "reason": "", "ward": null, "x": 0, "y": 0, "lon": 0, "lat": 0}]', "onbekende uitkomst"),
])
def test_map_refuses_a_bad_decisions_file(planner_main, tmp_path, content, message):
    (tmp_path / "b.json").write_text(content, encoding="utf-8")
    code, out, err = planner_main("map", "--decisions", "b.json")
    assert code == 2 and err.startswith("error: ") and message in err
    assert not (tmp_path / "maps").exists()


def test_map_command_rejects_unknown_request_and_bad_out(planner_main, tmp_path):
    code, out, err = planner_main("map", "--request", "NOPE")
    assert code == 2 and err.startswith("error: ") and "NOPE" in err
    code, out, err = planner_main("map", "--out", "kaart.txt")
    assert code == 2 and err.startswith("error: ")
    assert not (tmp_path / "maps").exists() and not (tmp_path / "kaart.txt").exists()


def test_demo_writes_overview_and_one_map_per_decision(run_cli, tmp_path):
    res = run_cli("demo")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "maps"
    assert (out / "overzicht.html").exists() and (out / "overzicht-openbaar.html").exists()
    ids = [line.split(",")[0] for line in (Path(__file__).parent.parent / "data" / "aanvragen.csv")
           .read_text(encoding="utf-8").splitlines()[1:] if line]
    for rid in ids:
        assert (out / f"aanvraag-{rid}.html").exists(), rid


def test_vendored_assets_ship_in_the_package_with_their_licences(repo_root):
    import tomllib

    for path in maps_assets.asset_files():
        assert path.is_file() and path.stat().st_size > 0, path
    for package in maps_assets.ASSET_VERSIONS:
        licence = maps_assets.ASSETS / package / "LICENSE"
        assert "Permission" in licence.read_text(encoding="utf-8") or "Redistribution" in licence.read_text(
            encoding="utf-8"), licence
    assert "Leaflet 1.9.4" in (maps_assets.ASSETS / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert "v3.1.0" in (maps_assets.ASSETS / "topojson-client" / "topojson-client.min.js").read_text()[:200]
    readme = (maps_assets.ASSETS / "README.md").read_text(encoding="utf-8")
    for package, version in maps_assets.ASSET_VERSIONS.items():
        assert f"`{package}@{version}`" in readme
    # setuptools puts them in the wheel
    patterns = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["planner"]
    root = repo_root / "planner"
    shipped = {p for pattern in patterns for p in root.glob(pattern)}
    assert set(maps_assets.asset_files()) | {maps_assets.ASSETS / p / "LICENSE" for p in maps_assets.ASSET_VERSIONS} \
        <= shipped


def test_request_map_shows_its_request_whatever_its_state(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    assert {d.outcome for d in decisions} == {"approved", "rejected", "needs_review"}
    for decision in decisions:
        page = maps.render(maps.decision_map(data, decision))
        d = read_page_data(page)
        assert d["decisions"]["id"] == [decision.request_id] and d["opts"]["showSettled"] is True
        assert "laag staat uit" not in legend_of(page)
        (s, w), (n, e) = d["bounds"]  # the request lies in the first view
        assert s <= decision.lat <= n and w <= decision.lon <= e
    # the overview starts with settled requests off, and its legend says so
    overview = maps.render(maps.overview_map(maps.prepare(wards, signs, decisions, roads=roads, groups=groups)))
    assert read_page_data(overview)["opts"]["showSettled"] is False
    assert "aanvraag afgehandeld <em>(laag staat uit; aanzetten bij Kaartlagen)</em>" in legend_of(overview)


def test_legend_lists_only_the_symbols_the_map_shows(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    by_id = {d.request_id: d for d in decisions}

    def symbols(m):
        return set(re.findall(r'class="ic pl-ic pl-(\w+)[ "]', legend_of(maps.render(m))))

    # A001: rejected, its ward covered by two placed signs; no proposals
    assert symbols(maps.decision_map(data, by_id["A001"])) == {"bord", "afgehandeld"}
    a002 = mapdata.with_proposals([by_id["A002"]])[0]
    assert symbols(maps.decision_map(data, a002)) == {"voorstel", "aanvraag"}
    assert symbols(maps.overview_map(data, public=True)) == {"bord", "gepland"}  # no requests in public


def test_legend_folds_and_the_scale_is_metric_only(hostile_pages):
    page = hostile_pages["overzicht.html"]
    assert legend_of(page).startswith("<details open><summary>Legenda</summary>")
    assert "imperial: false" in page and "control_scale" not in page


def test_decision_map_outside_the_municipality_shows_the_request_and_wards_near_it(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    outside = next(d for d in decisions if d.reason_code == "outside_wards")
    page = maps.render(maps.decision_map(data, outside))
    d = read_page_data(page)
    (s, w), (n, e) = d["bounds"]
    assert s <= outside.lat <= n and w <= outside.lon <= e
    assert d["wards"]["code"] and "focus" not in d
    assert "wijk buiten" not in page and "buiten de gemeente" in info_of(page)


def test_big_maps_cluster_markers_and_load_the_plugin(demo):
    import geopandas as gpd

    wards, signs, roads, groups, decisions = demo
    x0, y0, x1, y1 = wards.total_bounds
    rng = np.random.default_rng(1)
    xy = rng.uniform((x0, y0), (x1, y1), (CLUSTER_MIN_POINTS + 10, 2))
    many = gpd.GeoDataFrame({"id": [f"S{i}" for i in range(len(xy))], "status": "placed", "street": "",
                             "placed_on": ""}, geometry=shapely.points(xy), crs=signs.crs)
    page = maps.render(maps.overview_map(maps.prepare(wards, many, decisions)))
    assert "/* leaflet.markercluster 1.5.3 (MIT; licence text" in page
    assert ".leaflet-cluster-anim" in page and "MarkerClusterGroup" in page  # its CSS and its script
    assert "groep symbolen" in legend_of(page)
