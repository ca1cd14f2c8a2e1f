"""The maps in a real browser: headless Chromium (Debian's), driven by Playwright.

No network: Leaflet and its plugins come from local npm copies
(``tests/browser``), basemap tiles are answered with a blank tile and any
other request fails the test. Pages are opened as staff would: a desktop
window (1200x800) and a phone screen (390x780). Screenshots go to
``tests/artifacts/``. Missing chromium or npm assets fail the tests with a
clear message (``make test`` installs both); they never skip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "browser"))
sys.path.insert(0, str(HERE.parent / "benchmarks"))
import mapdata  # noqa: E402
import serve  # noqa: E402
from mapdata import IMG, SCRIPT  # noqa: E402

from planner.core.coords import to_lonlat
from planner.render.maps import page as maps  # noqa: E402

ARTIFACTS = HERE / "artifacts"
SIZES = {"desktop": (1200, 800), "telefoon": (390, 780)}
EXPECTED_POPUP = {"bord": "Bord:", "gepland": "Bord:", "aanvraag": "Besluit:", "afgehandeld": "Besluit:",
                  "voorstel": "Voorstel:"}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The hostile demo's map pages written to disk (name -> path), plus a no_entries decision map."""
    from planner import geo
    from planner.core.policy import Policy
    from planner.placement import decide_requests
    from planner.siting.proposals import make_proposer

    root = tmp_path_factory.mktemp("browser")
    data = mapdata.hostile_data(HERE.parent / "data", root / "data")
    wards, signs, roads, groups, decisions = mapdata.load(data)
    decisions = mapdata.with_proposals(decisions)
    out = {}
    for name, text in maps.map_pages(wards, signs, decisions, roads=roads, groups=groups).items():
        out[name] = root / name
        out[name].write_text(text, encoding="utf-8")
    requests = geo.load_requests(data / "aanvragen.csv")
    decided = decide_requests(requests, wards, signs, groups, Policy(), roads=roads,
                              proposer=make_proposer(wards, roads, Policy()))
    blocked = next(d for d in decided if d.reason_code == "no_entries")
    public = maps.prepare(wards, signs, decided, roads=roads, groups=groups, public=True)
    out["geen-invalswegen.html"] = root / "geen-invalswegen.html"
    out["geen-invalswegen.html"].write_text(maps.render(maps.decision_map(public, blocked)), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def browser():
    problem = serve.missing_setup()
    if problem:
        pytest.fail(f"browser test cannot run: {problem}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A loaded map page with everything that went wrong on it recorded."""

    def __init__(self, browser, path: Path, size="desktop", timeout=10_000):
        width, height = SIZES[size]
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.set_default_timeout(5_000)
        self.errors, self.unexpected, self.dialogs = [], [], []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        serve.route_offline(self.page, self.unexpected)
        self.page.goto(path.as_uri(), timeout=60_000)
        self.page.wait_for_function("window.plannerMap && document.querySelector('.leaflet-overlay-pane canvas')",
                                    timeout=timeout)
        self.page.wait_for_timeout(300)

    def js(self, code: str, arg=None):
        return self.page.evaluate(code, arg)

    def point_of(self, lat: float, lon: float) -> tuple[float, float]:
        return tuple(self.js("""([lat, lon]) => {
            const m = window.plannerMap.map, p = m.latLngToContainerPoint([lat, lon]);
            const r = m.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", [lat, lon]))

    def click_latlng(self, lat: float, lon: float) -> None:
        """Click the map at a geographic position (through Leaflet's own projection)."""
        self.page.mouse.click(*self.point_of(lat, lon))
        self.page.wait_for_timeout(200)

    def popup_text(self) -> str:
        return self.page.inner_text(".leaflet-popup-content")

    def close_popup(self) -> None:
        """Close the popup and wait until the map stands still (a popup may have panned it)."""
        self.js("() => { window.plannerMap.map.closePopup(); }")
        self.page.mouse.move(1, 1)  # away from the markers: their tooltips close
        self.page.wait_for_function("!(window.plannerMap.map._panAnim && window.plannerMap.map._panAnim._inProgress)")
        self.page.wait_for_function("!document.querySelector('.leaflet-popup')")  # faded out (200 ms)

    def markers(self, kind: str) -> list[dict]:
        """Marker icons of ``kind`` on screen: id, centre, and what the page shows at that centre."""
        return self.js("""(kind) => {
            const box = window.plannerMap.map.getContainer().getBoundingClientRect();
            return Array.from(document.querySelectorAll('.leaflet-map-pane .pl-ic.pl-' + kind)).map((el, i) => {
                el.dataset.testId = kind + i;
                const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                const top = document.elementFromPoint(x, y);
                return {id: kind + i, x, y, inside: x > box.left && x < box.right && y > box.top && y < box.bottom,
                        underControl: !!(top && top.closest('.leaflet-control')),
                        self: !!(top && top.closest('.pl-ic') === el),
                        top: top ? top.tagName + '.' + top.className : null};
            }); }""", kind)

    def assert_clean(self):
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.unexpected == [], f"requests no local copy could answer: {self.unexpected}"
        assert self.dialogs == [], f"a dialog fired (injected script ran): {self.dialogs}"
        assert self.js("document.querySelectorAll('img[src=\"x\"]').length") == 0, "injected <img> in the DOM"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path


def _ward_point(code: str, avoid_markers: bool = True):
    """A point inside ward ``code`` (lat, lon) of the demo data."""
    from planner import geo

    wards = geo.load_wards(HERE.parent / "data" / "wijken.geojson")
    pt = wards[wards["code"] == code].geometry.iloc[0].point_on_surface()
    lon, lat = to_lonlat(geo.gpd.GeoSeries([pt], crs=geo.RD_NEW))
    return float(lat[0]), float(lon[0])


def _click_ward(p: Page, code: str) -> str:
    """Click inside ward ``code`` where no marker or label is, and return the popup text."""
    from planner import geo

    wards = geo.load_wards(HERE.parent / "data" / "wijken.geojson")
    poly = wards[wards["code"] == code].geometry.iloc[0]
    import shapely

    x0, y0, x1, y1 = poly.bounds
    for fx, fy in [(0.5, 0.5), (0.3, 0.3), (0.7, 0.7), (0.3, 0.7), (0.7, 0.3), (0.5, 0.2), (0.5, 0.8)]:
        pt = shapely.Point(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
        if not poly.buffer(-20).contains(pt):
            continue
        lon, lat = to_lonlat(geo.gpd.GeoSeries([pt], crs=geo.RD_NEW))
        x, y = p.point_of(float(lat[0]), float(lon[0]))
        if p.js("([x, y]) => { const e = document.elementFromPoint(x, y); return !!e && e.tagName === 'CANVAS'; }",
                [x, y]):
            p.page.mouse.click(x, y)
            p.page.wait_for_timeout(200)
            return p.popup_text()
    raise AssertionError(f"no free spot to click in ward {code}")


def test_overview_map_renders_with_wards_signs_and_legend(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        assert p.js("typeof L === 'object' && typeof topojson === 'object'")
        assert p.js("document.querySelectorAll('.leaflet-overlay-pane canvas').length") >= 1  # one canvas, not SVG
        assert p.js("document.querySelectorAll('.leaflet-overlay-pane svg path').length") == 0
        assert p.js("window.plannerMap.layers.wards.getLayers().length") == 9
        assert p.js("document.querySelectorAll('.leaflet-map-pane .pl-bord').length") == 3
        assert p.js("document.querySelectorAll('.leaflet-map-pane .pl-aanvraag').length") >= 1
        assert p.js("document.querySelectorAll('.leaflet-map-pane .pl-voorstel').length") == 2
        assert p.js("document.querySelectorAll('.pl-label').length") >= 3  # ward names at this zoom
        assert "Legenda" in p.page.inner_text(".pl-legend")
        labels = p.js("document.querySelector('.leaflet-control-layers').textContent")
        for name in ("PDOK BRT-Achtergrondkaart", "OpenStreetMap", "PDOK Luchtfoto", "Wijken", "Borden",
                     "Invalswegen", "Aanvragen afgehandeld"):
            assert name in labels
        assert p.js("document.querySelector('.leaflet-control-layers-base input:checked')"
                    ".nextElementSibling.textContent.trim()") == "PDOK BRT-Achtergrondkaart"
        assert "Kadaster" in p.page.inner_text(".leaflet-control-attribution")
        scales = p.js("Array.from(document.querySelectorAll('.leaflet-control-scale-line')).map(e => e.textContent)")
        assert len(scales) == 1 and scales[0].endswith(("m", "km")), scales  # metric only
        shot = p.screenshot("overzicht.png")
        assert shot.stat().st_size > 10_000
        p.assert_clean()
    finally:
        p.page.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_each_kind_of_marker_opens_its_popup_at_the_default_zoom(browser, pages, size):
    p = Page(browser, pages["overzicht.html"], size)
    try:
        p.js("() => { window.plannerMap.layers.settled.addTo(window.plannerMap.map); }")  # the hidden layer, switched on
        p.page.wait_for_timeout(300)
        p.screenshot(f"overzicht-{size}.png")
        for kind, expected in EXPECTED_POPUP.items():
            shown = [m for m in p.markers(kind) if m["inside"] and not m["underControl"]]
            assert shown, f"no {kind} marker to click on the {size} screen"
            for m in shown:
                assert m["self"], f"a {kind} marker is hidden under {m['top']} on the {size} screen"
            p.page.mouse.click(shown[0]["x"], shown[0]["y"])
            p.page.wait_for_timeout(250)
            assert expected in p.popup_text(), (kind, p.popup_text())
            if kind == "voorstel":
                p.screenshot(f"overzicht-{size}-popup.png")
            p.close_popup()
        p.assert_clean()
    finally:
        p.page.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_no_marker_hides_another(browser, pages, size):
    p = Page(browser, pages["overzicht.html"], size)
    try:
        p.js("() => { window.plannerMap.layers.settled.addTo(window.plannerMap.map); }")
        p.page.wait_for_timeout(300)
        overlaps = p.js("""() => {
            const r = Array.from(document.querySelectorAll('.leaflet-map-pane .pl-ic')).map(e => e.getBoundingClientRect());
            const out = [];
            for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
                const a = r[i], b = r[j];
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                    out.push([i, j]);
            }
            return [r.length, out]; }""")
        assert overlaps[0] >= 10 and overlaps[1] == [], overlaps
        # the proposals sit in the top pane
        z = p.js("[...['pl-voorstel', 'pl-aanvraag', 'pl-bord', 'pl-afgehandeld']].map("
                 "n => +window.plannerMap.map.getPane(n).style.zIndex)")
        assert z == sorted(z, reverse=True)
        p.assert_clean()
    finally:
        p.page.close()


def test_public_overview_popups_work_without_any_request(browser, pages):
    p = Page(browser, pages["overzicht-openbaar.html"])
    try:
        assert p.js("document.querySelectorAll('.leaflet-map-pane .pl-aanvraag, .leaflet-map-pane .pl-afgehandeld')"
                    ".length") == 0
        for kind, expected in (("voorstel", "Voorstel:"), ("bord", "Bord:")):
            shown = [m for m in p.markers(kind) if m["inside"] and m["self"]]
            p.page.mouse.click(shown[0]["x"], shown[0]["y"])
            p.page.wait_for_timeout(250)
            assert expected in p.popup_text()
            p.close_popup()
        text = _click_ward(p, mapdata.HOSTILE_WARD)
        assert "Actieve groepen:" in text and SCRIPT in text and "Beheerders" not in text
        p.assert_clean()
    finally:
        p.page.close()


def test_phone_screen_keeps_the_map_free(browser, pages):
    p = Page(browser, pages["overzicht.html"], "telefoon")
    try:
        assert not p.js("document.querySelector('.leaflet-control-layers')"
                        ".classList.contains('leaflet-control-layers-expanded')")
        assert not p.js("document.querySelector('.pl-legend details').open")
        assert not p.js("document.querySelector('.pl-info details').open")
        share = p.js("""() => {
            const m = window.plannerMap.map.getContainer().getBoundingClientRect();
            const covered = Array.from(document.querySelectorAll('.leaflet-control')).map(e => e.getBoundingClientRect())
                .reduce((s, r) => s + r.width * r.height, 0);
            return covered / (m.width * m.height); }""")
        assert share < 0.12, share
        # the legend opens on a tap and folds again
        p.page.click(".pl-legend summary")
        assert p.js("document.querySelector('.pl-legend details').open")
        p.screenshot("overzicht-telefoon-legenda.png")
        p.page.click(".pl-legend summary")
        # the layer control opens when touched
        box = p.page.locator(".leaflet-control-layers-toggle").bounding_box()
        p.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        p.page.wait_for_timeout(200)
        assert p.js("document.querySelector('.leaflet-control-layers')"
                    ".classList.contains('leaflet-control-layers-expanded')")
        p.assert_clean()
    finally:
        p.page.close()


def test_layer_control_folds_away_when_a_popup_opens(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        assert p.js("document.querySelector('.leaflet-control-layers')"
                    ".classList.contains('leaflet-control-layers-expanded')")
        _click_ward(p, "LM09")
        assert not p.js("document.querySelector('.leaflet-control-layers')"
                        ".classList.contains('leaflet-control-layers-expanded')")
        p.assert_clean()
    finally:
        p.page.close()


def test_clicking_a_ward_opens_its_popup_with_the_signs_it_counts(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        text = _click_ward(p, "LM09")  # a large ward without signs
        assert "Wijk:" in text and "Status:" in text and "LM09" in text and "Borden die meetellen: 0" in text
        p.close_popup()
        text = _click_ward(p, "LM03")
        assert "Borden die meetellen: 2" in text and "B001" in text and "B002" in text
        p.assert_clean()
    finally:
        p.page.close()


def test_hostile_names_show_as_text_and_run_nothing(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        # the ward called '"><img src=x onerror=...>' with the request of group '<script>...'
        text = _click_ward(p, mapdata.HOSTILE_WARD)
        assert IMG in text and SCRIPT in text
        p.close_popup()
        # the sign on a street called '"><img ...'
        p.page.click(".leaflet-map-pane .pl-bord >> nth=0", force=True)
        p.page.wait_for_timeout(200)
        texts = p.js("Array.from(document.querySelectorAll('.leaflet-popup-content')).map(e => e.innerText)")
        assert any(IMG in t for t in texts), texts
        p.close_popup()
        # the proposal on a road called '<script>...': its tooltip
        p.page.hover(".leaflet-map-pane .pl-voorstel >> nth=0", force=True)
        p.page.wait_for_timeout(200)
        tips = p.js("Array.from(document.querySelectorAll('.leaflet-tooltip')).map(e => e.innerText)")
        assert any(SCRIPT in t for t in tips), tips
        p.screenshot("overzicht-vijandig.png")
        p.assert_clean()
    finally:
        p.page.close()


def test_decision_map_renders_with_proposals_and_decision(browser, pages):
    for size in SIZES:
        p = Page(browser, pages["aanvraag-A002.html"], size)
        try:
            numbers = p.js("Array.from(document.querySelectorAll('.leaflet-map-pane .pl-voorstel'))"
                           ".map(e => e.textContent)")
            assert sorted(numbers) == ["1", "2"]
            info = p.page.inner_text(".pl-info")
            assert "Aanvraag A002" in info and "toegekend" in info and SCRIPT in info  # open on phones too
            assert p.js("document.querySelectorAll('.leaflet-map-pane .pl-aanvraag').length") == 1
            p.screenshot(f"aanvraag-A002-{size}.png")
            p.assert_clean()
        finally:
            p.page.close()


def test_decision_map_of_a_ward_without_entries_shows_the_roads_its_reason_names(browser, pages):
    p = Page(browser, pages["geen-invalswegen.html"])
    try:
        reason = p.page.inner_text(".pl-info")
        mid = p.js("""() => {
            const built = window.plannerMap.layers.noEntries.getLayers()[0];
            return built.getLayers().map(l => { const ll = l.getLatLngs(); return ll[Math.floor(ll.length / 2)]; })
                .map(ll => [ll.lat, ll.lng]); }""")
        assert mid
        p.click_latlng(*mid[0])
        text = p.popup_text()
        assert "Geen invalsweg:" in text and "Wegklasse:" in text
        road = text.split("Geen invalsweg:")[1].split("\n")[0].strip()
        assert road in reason, (road, reason)
        p.screenshot("aanvraag-geen-invalswegen.png")
        p.assert_clean()
    finally:
        p.page.close()


def test_a_national_size_map_renders_and_works(browser, tmp_path):
    """5,000 wards and ~11,000 signs: one canvas, clusters at low zoom, popups on wards and signs."""
    import bench_maps
    from national_data import make_national

    nl = make_national(5000, seed=3)
    decisions = bench_maps.synthetic_decisions(nl)
    path = tmp_path / "nl.html"
    path.write_text(maps.render(maps.overview_map(maps.prepare(nl.wards, nl.signs, decisions, groups=nl.groups))),
                    encoding="utf-8")
    p = Page(browser, path, timeout=60_000)
    try:
        assert p.js("window.plannerMap.data.wards.code.length") == 5000
        assert p.js("document.querySelectorAll('.leaflet-marker-pane .pl-cluster').length") > 5
        assert p.js("document.querySelectorAll('.leaflet-marker-icon').length") < 600  # not one per sign
        p.screenshot("nederland-5000.png")
        # a ward near the middle of the screen (where no cluster is)
        x, y = p.js("""() => { for (let r = 0; r < 300; r += 15) for (let a = 0; a < 6.3; a += 0.5) {
            const x = 600 + r * Math.cos(a), y = 420 + r * Math.sin(a), e = document.elementFromPoint(x, y);
            if (e && e.tagName === 'CANVAS' && window.plannerMap.layers.wards.getLayers().some(
                l => l._containsPoint(window.plannerMap.map.containerPointToLayerPoint([x, y])))) return [x, y]; }
            return [600, 420]; }""")
        p.page.mouse.click(x, y)
        p.page.wait_for_timeout(300)
        assert "Wijk:" in p.popup_text()
        p.close_popup()
        # zoomed in on a sign, it is a marker of its own
        lat, lon = p.js("""() => { const m = window.plannerMap.markers.find(m => m._pl.k === 'bord');
                                   const ll = m.getLatLng(); window.plannerMap.map.setView(ll, 17, {animate: false});
                                   return [ll.lat, ll.lng]; }""")
        p.page.wait_for_function("!document.querySelector('.leaflet-cluster-anim')")
        p.page.wait_for_timeout(1000)
        shown = [m for m in p.markers("bord") if m["inside"] and m["self"]]
        assert shown
        p.page.mouse.click(shown[0]["x"], shown[0]["y"])
        p.page.wait_for_timeout(250)
        assert "Bord:" in p.popup_text()
        assert p.js("document.querySelectorAll('.pl-label').length") >= 1  # ward names close up
        p.screenshot("nederland-5000-ingezoomd.png")
        p.assert_clean()
    finally:
        p.page.close()


def test_coverage_per_resident_layer_colours_the_cbs_wijken(browser, tmp_path):
    """Wards with CBS codes and populations (one secret): the choropleth per wijk and its legend."""
    import dataclasses

    wards, signs, roads, groups, decisions = mapdata.load(HERE.parent / "data")
    codes = {f"LM0{k}": f"BU0415{0 if k <= 5 else 1:02d}{k:02d}" for k in range(1, 10)}
    population = {"LM01": 4200, "LM02": 3100, "LM03": 2900, "LM04": 1800, "LM05": -99999999,
                  "LM06": 350, "LM07": 600, "LM08": 40, "LM09": 0}
    wards = wards.assign(population=wards["code"].map(population), code=wards["code"].map(codes))
    decisions = [dataclasses.replace(d, ward={**d.ward, "code": codes[d.ward["code"]]}) if d.ward else d
                 for d in decisions]
    path = tmp_path / "inwoners.html"
    path.write_text(maps.render(maps.overview_map(maps.prepare(wards, signs, decisions, groups=groups))),
                    encoding="utf-8")
    p = Page(browser, path)
    try:
        assert not p.js("document.querySelector('.pl-legend').classList.contains('pl-choro-on')")
        p.js("() => { window.plannerMap.layers.choropleth.addTo(window.plannerMap.map); }")
        p.page.wait_for_timeout(300)
        assert p.js("window.plannerMap.layers.choropleth.getLayers().length") == 2  # two CBS wijken
        assert p.js("document.querySelector('.pl-legend').classList.contains('pl-choro-on')")
        assert "Gedekte inwoners per wijk" in p.page.inner_text(".pl-legend")
        text = _click_ward(p, "LM09")
        assert "Gedekte inwoners:" in text and "WK041501" in text
        p.screenshot("overzicht-inwoners.png")
        p.assert_clean()
    finally:
        p.page.close()
