"""The maps in a real browser: headless Chromium (Debian's), driven by Playwright.

No network: Leaflet comes from local npm copies (``tests/browser``), basemap
tiles are answered with a blank tile and any other request fails the test.
Screenshots go to ``tests/artifacts/``. Missing chromium or npm assets fail
the tests with a clear message (``make test`` installs both); they never skip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "browser"))
import mapdata  # noqa: E402
import serve  # noqa: E402
from mapdata import IMG, SCRIPT  # noqa: E402

from planner import maps  # noqa: E402

ARTIFACTS = HERE / "artifacts"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The hostile demo's map pages written to disk: name -> path."""
    root = tmp_path_factory.mktemp("browser")
    data = mapdata.hostile_data(HERE.parent / "data", root / "data")
    wards, signs, roads, groups, decisions = mapdata.load(data)
    decisions = mapdata.with_proposals(decisions)
    out = {}
    for name, text in maps.map_pages(wards, signs, decisions, roads=roads, groups=groups).items():
        out[name] = root / name
        out[name].write_text(text, encoding="utf-8")
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

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.page.set_default_timeout(5_000)
        self.errors, self.unexpected, self.dialogs = [], [], []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        serve.route_offline(self.page, self.unexpected)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector(".leaflet-overlay-pane path", state="attached", timeout=10_000)
        self.page.wait_for_timeout(300)

    def js(self, code: str, arg=None):
        return self.page.evaluate(code, arg)

    def click_latlng(self, lat: float, lon: float) -> None:
        """Click the map at a geographic position (through Leaflet's own projection)."""
        x, y = self.js("""([lat, lon]) => {
            const m = window[Object.keys(window).find(k => k.startsWith('map_'))];
            const p = m.latLngToContainerPoint([lat, lon]);
            const r = m.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", [lat, lon])
        self.page.mouse.click(x, y)
        self.page.wait_for_timeout(200)

    def popup_text(self) -> str:
        return self.page.inner_text(".leaflet-popup-content")

    def assert_clean(self):
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.unexpected == [], f"requests no local copy could answer: {self.unexpected}"
        assert self.dialogs == [], f"a dialog fired (injected script ran): {self.dialogs}"
        assert self.js("document.querySelectorAll('img[src=\"x\"], script:not([src])').length") == \
            self.js("document.querySelectorAll('script:not([src])').length"), "injected <img> in the DOM"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path


def _ward_point(code: str):
    """A point inside ward ``code`` (lat, lon) of the demo data."""
    from planner import geo

    wards = geo.load_wards(HERE.parent / "data" / "wijken.geojson")
    pt = wards[wards["code"] == code].geometry.iloc[0].point_on_surface()
    lon, lat = geo.to_lonlat(geo.gpd.GeoSeries([pt], crs=geo.RD_NEW))
    return float(lat[0]), float(lon[0])


def test_overview_map_renders_with_wards_signs_and_legend(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        assert p.js("typeof L === 'object' && Object.keys(window).some(k => k.startsWith('map_'))")
        ward_paths = p.js("document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length")
        assert ward_paths >= 9  # 9 wards, plus the entry roads
        assert p.js("document.querySelectorAll('.pl-bord').length") >= 3  # placed signs (+ legend)
        assert p.js("document.querySelectorAll('.leaflet-marker-pane .pl-bord').length") == 3
        assert p.js("document.querySelectorAll('.leaflet-marker-pane .pl-aanvraag').length") >= 1
        assert p.js("document.querySelectorAll('.leaflet-marker-pane .pl-voorstel').length") >= 2
        assert "Legenda" in p.page.inner_text(".pl-legend")
        labels = p.page.inner_text(".leaflet-control-layers")
        for name in ("PDOK BRT-Achtergrondkaart", "OpenStreetMap", "PDOK Luchtfoto", "Wijken", "Borden"):
            assert name in labels
        assert p.js("document.querySelector('.leaflet-control-layers-base input:checked')"
                    ".nextElementSibling.textContent.trim()") == "PDOK BRT-Achtergrondkaart"
        assert "Kadaster" in p.page.inner_text(".leaflet-control-attribution")
        shot = p.screenshot("overzicht.png")
        assert shot.stat().st_size > 10_000
        p.assert_clean()
    finally:
        p.page.close()


def test_clicking_a_ward_opens_its_popup(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        p.click_latlng(*_ward_point("LM09"))  # a large ward without markers
        text = p.popup_text()
        assert "Wijk:" in text and "Status:" in text and "LM09" in text
        p.assert_clean()
    finally:
        p.page.close()


def test_hostile_names_show_as_text_and_run_nothing(browser, pages):
    p = Page(browser, pages["overzicht.html"])
    try:
        # the ward called '"><img src=x onerror=...>' with the request of group '<script>...'
        p.click_latlng(*_ward_point(mapdata.HOSTILE_WARD))
        text = p.popup_text()
        assert IMG in text and SCRIPT in text
        # the sign on a street called '"><img ...'
        p.page.click(".leaflet-marker-pane .pl-bord >> nth=0", force=True)
        p.page.wait_for_timeout(200)
        texts = p.js("Array.from(document.querySelectorAll('.leaflet-popup-content')).map(e => e.innerText)")
        assert any(IMG in t for t in texts), texts
        # the proposal on a road called '<script>...'
        p.page.click(".leaflet-popup-close-button")
        # The popup may have panned the marker out of view; a real mouseover
        # event on it opens its tooltip wherever it is.
        p.page.dispatch_event(".leaflet-marker-pane .pl-voorstel >> nth=0", "mouseover")
        p.page.wait_for_timeout(200)
        tips = p.js("Array.from(document.querySelectorAll('.leaflet-tooltip')).map(e => e.innerText)")
        assert any(SCRIPT in t for t in tips), tips
        p.screenshot("overzicht-vijandig.png")
        p.assert_clean()
    finally:
        p.page.close()


def test_decision_map_renders_with_proposals_and_decision(browser, pages):
    p = Page(browser, pages["aanvraag-A002.html"])
    try:
        numbers = p.js("Array.from(document.querySelectorAll('.leaflet-marker-pane .pl-voorstel'))"
                       ".map(e => e.textContent)")
        assert sorted(numbers) == ["1", "2"]
        info = p.page.inner_text(".pl-info")
        assert "Aanvraag A002" in info and "toegekend" in info and SCRIPT in info
        assert p.js("document.querySelectorAll('.leaflet-marker-pane .pl-aanvraag').length") == 1
        p.screenshot("aanvraag-A002.png")
        p.assert_clean()
    finally:
        p.page.close()
