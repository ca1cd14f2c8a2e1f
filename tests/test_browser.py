"""The maps in a real browser: headless Chromium (Debian's), driven by Playwright.

No network: the pages carry Leaflet and its plugins themselves; basemap
tiles are answered with a blank tile (or, for the offline tests, every
request that is not the page's own file is refused) and any other request
fails the test; the public map's address search is answered from recorded
PDOK Locatieserver answers (``tests/recorded``). Pages are opened as staff
and residents would: a desktop window (1366x900) and a phone screen
(390x844). Screenshots are kept as test artefacts in ``$PLANNER_ARTEFACTS``
(default ``tests/artifacts/``, not in git) to be looked at. Missing
chromium fails the tests with a clear message (``make test`` installs it);
they never skip.
"""

from __future__ import annotations

import json
import os
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

ARTIFACTS = Path(os.environ.get("PLANNER_ARTEFACTS") or HERE / "artifacts")
SIZES = {"desktop": (1366, 900), "telefoon": (390, 844)}
OFFLINE_LINE = "De achtergrondkaart is niet beschikbaar (geen internetverbinding?)"
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
    # A008 with the planner's own proposals at the ward's edges (the phone case of issue 22)
    a008 = next(d for d in decided if d.request_id == "A008")
    out["A008-voorstellen.html"] = root / "A008-voorstellen.html"
    out["A008-voorstellen.html"].write_text(maps.render(maps.decision_map(public, a008)), encoding="utf-8")
    return out


def request_pages(pages) -> list[str]:
    """Every per-request map: one per decision of the demo, the no-entries one and A008 with proposals."""
    return sorted(n for n in pages if not n.startswith("overzicht"))


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

    def __init__(self, browser, path: Path, size="desktop", timeout=10_000, network="tiles", pdok=None):
        """``network``: "tiles" (blank basemap tiles, nothing else) or "none" (every request refused);
        ``pdok``: None, "recorded" or "unreachable" (the public map's address search)."""
        width, height = SIZES[size]
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.set_default_timeout(5_000)
        self.errors, self.unexpected, self.dialogs, self.refused, self.asked = [], [], [], [], []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        # a refused request (no network, PDOK down) is the browser's own log line, not an error of the page
        expected_failures = network == "none" or pdok is not None
        self.page.on("console", lambda msg: msg.type == "error" and not (
            expected_failures and msg.text.startswith("Failed to load resource")) and self.errors.append(msg.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        if network == "none":
            serve.route_no_network(self.page, self.refused)
        else:
            serve.route_offline(self.page, self.unexpected)
        if pdok:
            serve.route_pdok(self.page, self.asked, reachable=pdok == "recorded")
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
        assert p.js("document.querySelectorAll('.pl-label').length") == 9  # every ward's name
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
            assert sorted(numbers) == ["A002-1", "A002-2"]
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



# ----------------------------------------------------------------- issue 22: maps that always open

RECTS = """(sel) => Array.from(document.querySelectorAll(sel)).map(e => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent]; })"""


def _overlap(a, b, slack=0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _drawn_pixels(p: Page) -> int:
    """Coloured pixels (sampled) on the map's canvases: the wards as drawn."""
    return p.js("""() => { let n = 0;
        for (const c of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++; }
        return n; }""")


def test_every_page_opens_with_all_network_blocked(browser, pages):
    for name in sorted(pages):
        p = Page(browser, pages[name], network="none")
        try:
            n_wards = p.js("window.plannerMap.data.wards.code.length")
            assert p.js("window.plannerMap.layers.wards.getLayers().length") == n_wards > 0, name
            assert _drawn_pixels(p) > 5000, name  # the wards are drawn on the canvas
            p.page.wait_for_selector(".pl-offline", state="visible")
            assert p.page.inner_text(".pl-offline").strip() == OFFLINE_LINE, name
            assert p.js("document.querySelectorAll('.pl-label').length") >= 1, name  # names on a plain background
            # the page asked the network for basemap tiles only, and got nothing
            assert p.refused and {u.split("/")[2] for u in p.refused} <= set(serve.TILE_HOSTS), (name, p.refused)
            p.screenshot(f"offline-{name[:-5]}.png")
            p.assert_clean()
        finally:
            p.page.close()


def test_basemap_line_stays_away_while_the_tiles_load(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        p.page.wait_for_timeout(300)
        assert p.js("document.querySelectorAll('.pl-offline').length") == 0
        assert p.js("window.plannerMap.basemapUnavailable") is False
        p.assert_clean()
    finally:
        p.page.close()


def test_leaflet_speaks_dutch(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        assert p.js("document.documentElement.lang") == "nl"
        assert p.js("document.querySelector('.leaflet-control-zoom-in').title") == "Inzoomen"
        assert p.js("document.querySelector('.leaflet-control-zoom-out').title") == "Uitzoomen"
        assert p.js("document.querySelector('.leaflet-control-layers-toggle').title") == "Kaartlagen"
        attribution = p.page.inner_text(".leaflet-control-attribution")
        assert "Kaartgegevens © Kadaster" in attribution and "Leaflet" in attribution
        assert "A JavaScript library" not in p.js("document.querySelector('.leaflet-control-attribution').innerHTML")
        _click_ward(p, "LM09")
        assert p.js("document.querySelector('.leaflet-popup-close-button').getAttribute('aria-label')") == "Sluiten"
        p.assert_clean()
    finally:
        p.page.close()


def test_popups_speak_in_words_with_dutch_dates_and_lat_lon(browser, pages):
    p = Page(browser, pages["A008-voorstellen.html"])
    try:
        m = next(m for m in p.markers("voorstel") if m["inside"] and m["self"])
        p.page.mouse.click(m["x"], m["y"])
        p.page.wait_for_timeout(250)
        text = p.popup_text()
        assert "Voorstel: A008-1 (voor aanvraag A008)" in text or "Voorstel: A008-2 (voor aanvraag A008)" in text
        assert "van de 4 invalswegen van de wijk (invalsweg: Dorpsstraat)" in text
        assert "m binnen de wijkgrens" in text and "Coördinaten (breedte, lengte): 52.43" in text
        assert "Score" not in text and "LM01-E" not in text
        p.close_popup()
        m = p.markers("aanvraag")[0]
        p.page.mouse.click(m["x"], m["y"])
        p.page.wait_for_timeout(250)
        text = p.popup_text()
        assert "Aanvraag: A008 van 18 september 2026" in text and "2026-09-18" not in text
        assert "(groepsnummer G07)" in text
        assert "18 september 2026" in p.page.inner_text(".pl-info")
        p.assert_clean()
    finally:
        p.page.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", ["overzicht.html", "overzicht-openbaar.html"])
def test_every_ward_has_a_readable_label_that_hides_nothing(browser, pages, name, size):
    p = Page(browser, pages[name], size)
    try:
        names = p.js("window.plannerMap.data.wards.name")
        labels = p.js(RECTS, ".pl-label")
        assert sorted(r[4] for r in labels) == sorted(names)  # each ward once, at the default zoom
        assert p.js("getComputedStyle(document.querySelector('.pl-label')).fontSize") == "11px"
        box = p.js("(() => { const r = window.plannerMap.map.getContainer().getBoundingClientRect();"
                   " return [r.left, r.top, r.right, r.bottom]; })()")
        markers = p.js(RECTS, ".leaflet-map-pane .pl-ic")
        panels = p.js(RECTS, ".leaflet-control")
        for k, a in enumerate(labels):
            assert box[0] <= a[0] and a[2] <= box[2] and box[1] <= a[1] and a[3] <= box[3], a
            for b in labels[k + 1:]:
                assert not _overlap(a, b), (a, b)
            for b in markers + panels:
                assert not _overlap(a, b), (a, b)
        p.screenshot(f"namen-{name[:-5]}-{size}.png")
        p.assert_clean()
    finally:
        p.page.close()


def test_signs_and_proposals_are_labelled_by_their_id(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        signs = p.js("Array.from(document.querySelectorAll('.leaflet-map-pane .pl-bord, .leaflet-map-pane .pl-gepland'))"
                     ".map(e => e.textContent)")
        assert sorted(signs) == sorted(p.js("window.plannerMap.data.signs.id"))
        proposals = p.js("Array.from(document.querySelectorAll('.leaflet-map-pane .pl-voorstel')).map(e => e.textContent)")
        assert sorted(proposals) == ["A002-1", "A002-2"]
        p.assert_clean()
    finally:
        p.page.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_each_request_map_shows_its_subject_next_to_the_panels(browser, pages, size):
    for name in request_pages(pages):
        p = Page(browser, pages[name], size)
        try:
            box = p.js("(() => { const r = window.plannerMap.map.getContainer().getBoundingClientRect();"
                       " return [r.left, r.top, r.right, r.bottom]; })()")
            requests = p.js(RECTS, ".leaflet-map-pane .pl-aanvraag, .leaflet-map-pane .pl-afgehandeld")
            assert len(requests) == 1, (name, size)  # its request, whatever its state, with its layer on
            subject = requests + p.js(RECTS, ".leaflet-map-pane .pl-voorstel")
            panels = p.js(RECTS, ".leaflet-control")
            for r in subject:
                assert box[0] <= r[0] and r[2] <= box[2] and box[1] <= r[1] and r[3] <= box[3], (name, size, r)
                assert not any(_overlap(r, c) for c in panels), (name, size, r)
            for kind in ("aanvraag", "afgehandeld", "voorstel"):
                for m in p.markers(kind):
                    assert m["self"], (name, size, kind, m["top"])  # nothing lies on top of it
            if p.js("!!window.plannerMap.layers.settled"):
                assert p.js("window.plannerMap.map.hasLayer(window.plannerMap.layers.settled)")
            p.screenshot(f"onderwerp-{name[:-5]}-{size}.png")
            p.assert_clean()
        finally:
            p.page.close()


def _search(p: Page, text: str) -> str:
    busy = p.js("window.plannerMap.data.words.search.busy")
    p.js("() => { window.plannerMap.searchAnswer = null; }")
    p.page.fill(".pl-search input", text)
    p.page.click(".pl-search button")
    p.page.wait_for_function(f"window.plannerMap.searchAnswer && window.plannerMap.searchAnswer !== {json.dumps(busy)}")
    p.page.wait_for_timeout(400)  # the map moves to the ward (animated)
    return p.page.inner_text(".pl-search .pl-answer")


@pytest.mark.parametrize("size", list(SIZES))
def test_public_map_search_tells_whether_an_address_is_covered(browser, pages, size):
    p = Page(browser, pages["overzicht-openbaar.html"], size, pdok="recorded")
    try:
        assert p.page.inner_text(".pl-search label") == "Is mijn buurt al gedekt?"
        text = _search(p, "Zuideinde 1, Landsmeer")
        assert text == ("Zuideinde 1, 1121CA Landsmeer ligt in wijk Landsmeer-Zuid. Deze wijk is gedekt: "
                        "er hangen al borden van WhatsApp-buurtpreventie.")
        p.screenshot(f"zoeken-gedekt-{size}.png")
        # "Dorpsstraat 1" is in many towns: the one on this map
        text = _search(p, "Dorpsstraat 1")
        assert text.startswith("Dorpsstraat 1, 1121BV Landsmeer ligt in wijk Landsmeer-West.")
        assert "loopt een aanvraag" in text
        text = _search(p, "Nergensstraat 999, Nergenshuizen")
        assert text.startswith("Geen adres gevonden bij 'Nergensstraat 999, Nergenshuizen'.")
        assert _search(p, "  ") == "Vul een postcode met huisnummer of een adres in."
        text = _search(p, "Zuideinde 2, Landsmeer")  # the service answers 503
        assert text.startswith("De adreszoeker (PDOK Locatieserver) is nu niet bereikbaar.")
        assert p.asked == ["Zuideinde 1, Landsmeer", "Dorpsstraat 1", "Nergensstraat 999, Nergenshuizen",
                           "Zuideinde 2, Landsmeer"]
        p.assert_clean()
    finally:
        p.page.close()


def test_public_map_search_says_so_when_pdok_cannot_be_reached(browser, pages):
    p = Page(browser, pages["overzicht-openbaar.html"], "telefoon", pdok="unreachable")
    try:
        text = _search(p, "Zuideinde 1, Landsmeer")
        assert text == ("De adreszoeker (PDOK Locatieserver) is nu niet bereikbaar. Zoek uw buurt op de kaart, "
                        "of probeer het later opnieuw.")
        assert p.asked == ["Zuideinde 1, Landsmeer"]
        p.screenshot("zoeken-onbereikbaar-telefoon.png")
        p.page.close()
        p = Page(browser, pages["overzicht.html"])  # staff's internal map has no search
        assert p.js("document.querySelectorAll('.pl-search').length") == 0
    finally:
        p.page.close()


def test_address_search_sends_only_the_query_to_pdok(browser, pages):
    p = Page(browser, pages["overzicht-openbaar.html"], pdok="recorded")
    try:
        urls = []
        p.page.on("request", lambda r: "locatieserver" in r.url and urls.append((r.url, r.headers)))
        _search(p, "Zuideinde 1, Landsmeer")
        assert len(urls) == 1
        url, headers = urls[0]
        assert url.startswith(serve.PDOK_SEARCH + "?q=Zuideinde%201%2C%20Landsmeer&")
        assert "cookie" not in {k.lower() for k in headers} and "referer" not in {k.lower() for k in headers}
        p.assert_clean()
    finally:
        p.page.close()
