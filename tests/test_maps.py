"""The maps as HTML: layers, status, privacy, escaping, file size, CLI.

What the maps do in a real browser is tested in ``test_browser.py``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
import mapdata  # noqa: E402
from mapdata import IMG, SCRIPT  # noqa: E402

from planner import maps  # noqa: E402


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


def embedded_features(page: str) -> list[dict]:
    """All GeoJSON features embedded in a page."""
    feats = []
    for blob in re.findall(r"_add\((\{.*\})\);", page):
        feats += json.loads(blob)["features"]
    return feats


def variants(text: str) -> set[str]:
    """How ``text`` could appear in a page: raw, HTML-escaped, JSON-escaped."""
    escaped = html.escape(text, quote=True)
    out = {text, escaped}
    for s in (text, escaped):
        out.add(json.dumps(s)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026").replace("'", "\\u0027"))
    return out


def test_overview_has_every_layer_legend_and_basemap(demo):
    wards, signs, roads, groups, decisions = demo
    page = maps.render(maps.overview_map(maps.prepare(wards, signs, decisions, roads=roads, groups=groups)))
    for layer in ("Wijken", "Invalswegen", "Borden", "Aanvragen in behandeling", "Aanvragen afgehandeld"):
        assert f'"{layer}"' in page
    assert "Legenda" in page and "invalsweg" in page
    assert "service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857" in page
    assert "tile.openstreetmap.org" in page and "luchtfotorgb" in page
    copy = "\\u0026copy;"  # &copy; inside the embedded JSON options
    assert f"Kaartgegevens {copy}" in page and "OpenStreetMap-bijdragers" in page
    assert f"Luchtfoto {copy} Beeldmateriaal Nederland / PDOK" in page
    # the PDOK basemap is the one shown; the others are alternatives in the layer control
    assert page.count("addTo(map_") >= 1
    brt = page.index("achtergrondkaart/wmts")
    assert page.index("tile.openstreetmap.org") > brt


def test_ward_status_is_covered_pending_or_not_covered(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups)
    status = dict(zip(data.wards["code"], data.wards["status"]))
    assert status["LM03"] == "gedekt"          # B001, B002 hang there
    assert status["LM04"] == "in_behandeling"  # A002 approved, signs not placed yet
    pending = {d.ward["code"] for d in decisions if d.ward and d.outcome in ("approved", "needs_review")}
    assert {c for c, s in status.items() if s == "in_behandeling"} == pending - {
        c for c, s in status.items() if s == "gedekt"}
    assert "niet_gedekt" in status.values()


def test_public_map_contains_no_admin_data(hostile_dir, hostile_pages, data_dir):
    page = hostile_pages["overzicht-openbaar.html"]
    secrets = mapdata.admin_strings(data_dir / "groepen.csv") + list(mapdata.HOSTILE_ADMIN.values())
    assert len(secrets) > 30
    for secret in secrets:
        for form in variants(secret):
            assert form not in page, f"public map contains admin data {secret!r}"
    assert "Vijand" not in page and "example.org" not in page
    # no request locations either (often a resident's home)
    assert "pl-aanvraag" not in page.split("<script>")[-1].replace("'pl-' + p.k", "")
    assert not [f for f in embedded_features(page) if f["properties"].get("k") in ("aanvraag", "afgehandeld")]


def test_decision_maps_contain_no_admin_data(hostile_pages, data_dir):
    secrets = mapdata.admin_strings(data_dir / "groepen.csv") + list(mapdata.HOSTILE_ADMIN.values())
    for name, page in hostile_pages.items():
        if name.startswith("aanvraag-"):
            for secret in secrets:
                assert not any(form in page for form in variants(secret)), (name, secret)


def test_internal_map_shows_admin_contacts(hostile_pages):
    page = hostile_pages["overzicht.html"]
    assert "Jan Voorbeeld" in page and "06-00000001" in page and "jan.voorbeeld@example.org" in page
    assert "Beheerders (intern)" in page


def test_outside_text_is_escaped(hostile_pages):
    for name, page in hostile_pages.items():
        assert "<script>alert" not in page, name
        assert "<img" not in page, name
        assert "onerror=alert" not in page.replace("\\u0026gt;\\u0026lt;img src=x onerror=alert", ""), name
    overview = hostile_pages["overzicht.html"]
    for text in (SCRIPT, IMG):  # present, but only as escaped text
        assert any(form in overview for form in variants(text) - {text}), text


def test_only_displayed_properties_are_embedded(hostile_pages):
    feats = embedded_features(hostile_pages["overzicht.html"])
    assert feats
    for f in feats:
        assert set(f["properties"]) <= {"tip", "pop", "k", "n"}, f["properties"]
    assert "Illustratieve demodata" not in hostile_pages["overzicht.html"]  # the 'note' column


def test_coordinates_are_rounded_to_about_a_metre(hostile_pages):
    feats = embedded_features(hostile_pages["overzicht.html"])
    text = json.dumps([f["geometry"] for f in feats])
    decimals = [len(m) for m in re.findall(r"\d+\.(\d+)", text)]
    assert decimals and max(decimals) <= maps.DECIMALS


def test_ward_geometry_is_simplified(demo):
    import shapely

    wards, signs, roads, groups, decisions = demo
    dense = wards.copy()
    dense.geometry = shapely.segmentize(dense.geometry.values, 1.0)  # a vertex every metre
    data = maps.prepare(dense, signs, decisions)
    before = shapely.get_num_coordinates(dense.geometry.values).sum()
    after = shapely.get_num_coordinates(data.wards.geometry.values).sum()
    assert after < before / 20


def test_proposals_are_numbered_by_rank_with_their_reasons(hostile_pages):
    page = hostile_pages["aanvraag-A002.html"]
    ranks = sorted(f["properties"]["n"] for f in embedded_features(page) if f["properties"].get("k") == "voorstel")
    assert ranks == [1, 2]
    assert "Dekt de invalsweg Oostweg." in page
    assert '"Voorgestelde plekken"' in hostile_pages["overzicht.html"]


def test_decision_map_shows_request_and_decision_sentence_zoomed_to_ward(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    a001 = next(d for d in decisions if d.request_id == "A001")
    page = maps.render(maps.decision_map(data, a001))
    assert html.escape(a001.reason) in page or a001.reason in json.loads(
        re.search(r"d\.innerHTML = (\".*?\");", page.split('"pl-box pl-info"')[1]).group(1))
    kinds = [f["properties"].get("k") for f in embedded_features(page)]
    assert kinds.count("bord") == 2 and "afgehandeld" in kinds  # covering signs + the request
    x0, y0, x1, y1 = data.wards[data.wards["code"] == "LM03"].total_bounds
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S).group(1))
    assert bounds == [[pytest.approx(y0), pytest.approx(x0)], [pytest.approx(y1), pytest.approx(x1)]]


def test_entry_roads_are_highlighted_around_each_entry(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads)
    assert len(data.entry_roads) > 0
    assert set(data.entry_roads["ward_code"]) <= set(wards["code"])
    # Motorways and cycleways are no entries under Landsmeer's policy.
    assert not set(data.entry_roads["road_class"]) & {"motorway", "cycleway"}


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


def test_local_leaflet_copy_matches_the_cdn_version(repo_root):
    from planner import maps_layers

    package = json.loads((repo_root / "tests" / "browser" / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["leaflet"] == maps_layers.LEAFLET_VERSION
    assert f"leaflet@{maps_layers.LEAFLET_VERSION}/" in maps_layers.LEAFLET_JS


def legend_of(page: str) -> str:
    """The legend's HTML (the Box control's innerHTML)."""
    part = page.split('"pl-box pl-legend"')[1].split("d.innerHTML = ", 1)[1]
    return json.loads(part[:part.index(";\n")])


def test_legend_lists_only_the_symbols_the_map_shows(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    by_id = {d.request_id: d for d in decisions}

    def symbols(m):
        return set(re.findall(r'class="ic pl-ic pl-(\w+)"', legend_of(maps.render(m))))

    # A001: rejected, its ward covered by two placed signs; no proposals
    assert symbols(maps.decision_map(data, by_id["A001"])) == {"bord", "afgehandeld"}
    a002 = mapdata.with_proposals([by_id["A002"]])[0]
    assert symbols(maps.decision_map(data, a002)) == {"voorstel", "aanvraag"}
    assert symbols(maps.overview_map(data, public=True)) == {"bord", "gepland"}  # no requests in public


def test_decision_map_outside_the_municipality_shows_it_with_the_request(demo):
    wards, signs, roads, groups, decisions = demo
    data = maps.prepare(wards, signs, decisions, roads=roads, groups=groups, public=True)
    outside = next(d for d in decisions if d.reason_code == "outside_wards")
    page = maps.render(maps.decision_map(data, outside))
    (s, w), (n, e) = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S).group(1))
    x0, y0, x1, y1 = data.wards.total_bounds
    assert s <= min(y0, outside.lat) and n >= max(y1, outside.lat)
    assert w <= min(x0, outside.lon) and e >= max(x1, outside.lon)
    assert "wijk buiten" not in page and "buiten de gemeente" in page
