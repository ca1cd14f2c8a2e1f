"""National-scale overview map: the planner's page against a naive Folium dump, side by side.

    .venv/bin/python benchmarks/bench_maps.py                 # 15,000 wards, ~33,000 signs (a few minutes)
    .venv/bin/python benchmarks/bench_maps.py --wards 5000    # quicker
    .venv/bin/python benchmarks/bench_maps.py --roads         # also: write the overview with entry roads, peak memory

For the same synthetic Netherlands (``benchmarks/national_data.py``) it writes

* the planner's overview (``planner.render.maps.page``: TopoJSON wards, canvas, clustered
  markers, popups built in the page), and
* a **naive Folium dump** of the same wards and signs: ``folium.GeoJson`` of
  the wards (full coordinates, tooltip and popup fields) and of the signs
  (one Leaflet marker each, with a popup), carrying Leaflet inlined (as the
  planner's page does, so that both pay for the same library),

then opens both in the same headless Chromium (1200x800, tiles answered
locally with a blank image; both pages carry Leaflet themselves) and
measures the time from navigation to the first full render: the ``load``
event (every inline script, so every layer, has run) plus two animation
frames (the canvas or SVG has painted). The planner's page is loaded
``--runs`` times (best run counts), the naive one once (it takes minutes). It prints the sizes, the times and their ratios and
checks the goals: bytes <= 1/10, time <= 1/5.

Decisions are made up (``synthetic_decisions``): deciding 10,000 requests is
not what this measures. ``--roads`` writes the national files and runs
``planner map --roads ... --decisions besluiten.json`` in a fresh process:
the overview with entry roads from recorded decisions, and that process's
peak memory (goal <= 1 GB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from planner.core.coords import WGS84, to_lonlat
from planner.core.policy import Policy  # noqa: E402
from planner.core.wards import assign_wards, ward_status  # noqa: E402
from planner.placement import Decision
from planner.render.maps import bundle as maps_assets
from planner.render.maps import layers as maps_layers
from planner.render.maps import page as maps  # noqa: E402


def synthetic_decisions(data, policy=None, seed=0) -> list[Decision]:
    """Decisions for ``data.requests`` without deciding: outcomes follow the ward's coverage.

    Outside every ward: rejected; ward with counted signs: rejected (naming
    none, to keep this cheap); otherwise approved with two proposals near
    the request, one in ten to be reviewed.
    """
    policy = policy or Policy()
    rng = np.random.default_rng(seed)
    req = assign_wards(data.requests, data.wards)
    covered = dict(zip(*ward_status(data.wards, data.signs, policy)[["code", "covered"]].to_numpy().T))
    lon, lat = to_lonlat(req.geometry)
    # two proposals near every request (used by the approvals), projected at once
    pxy = np.repeat(shapely.get_coordinates(req.geometry.values), 2, axis=0) + rng.normal(0, 150, (2 * len(req), 2))
    plon, plat = to_lonlat(gpd.GeoSeries(shapely.points(pxy), crs="EPSG:28992"))
    review = rng.random(len(req)) < 0.1
    out = []
    for i, r in enumerate(req.itertuples()):
        ward = None if r.ward_code is None else {"code": r.ward_code, "name": r.ward_name}
        base = dict(request_id=r.request_id, date=r.date, group_id=r.group_id, ward=ward,
                    x=round(r.geometry.x, 1), y=round(r.geometry.y, 1), lon=float(lon[i]), lat=float(lat[i]))
        if ward is None:
            out.append(Decision(**base, outcome="rejected", reason_code="outside_wards",
                                reason="De opgegeven locatie ligt niet in een wijk van de gemeente."))
        elif covered.get(r.ward_code):
            out.append(Decision(**base, outcome="rejected", reason_code="ward_covered",
                                reason=f"In wijk {r.ward_name} hangen al borden."))
        elif review[i]:
            out.append(Decision(**base, outcome="needs_review", reason_code="unknown_group",
                                reason=f"Groep {r.group_id} is niet bekend bij de gemeente."))
        else:
            props = [{"rank": k + 1, "x": float(pxy[2 * i + k, 0]), "y": float(pxy[2 * i + k, 1]),
                      "lon": float(plon[2 * i + k]), "lat": float(plat[2 * i + k]),
                      "road": "Dorpsstraat", "road_class": "residential", "score": 2.0,
                      "entries": [], "explanation": "Dekt de invalsweg Dorpsstraat."} for k in (0, 1)]
            out.append(Decision(**base, outcome="approved", reason_code="ward_not_covered", proposals=props,
                                reason=f"In wijk {r.ward_name} hangen nog geen borden. De gemeente plaatst "
                                       "2 borden bij de invalswegen in overleg met de beheerder."))
    return out


def naive_dump(wards, signs, status) -> str:
    """What a first Folium map of the same data looks like: GeoJSON as it comes, one marker per sign."""
    m = folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None)
    m.default_js, m.default_css = [], []
    m.get_root().header.add_child(maps_layers.RawHtml(maps_assets.head_html()), name="leaflet")
    name, url, attr, native = maps_layers.BASEMAPS[0]
    folium.TileLayer(url, attr=attr, name=name).add_to(m)
    w = wards[["code", "name", "geometry"]].to_crs(WGS84)
    w["status"] = np.where(status["covered"].to_numpy(), "gedekt", "niet gedekt")
    w["signs"] = status["signs"].to_numpy()
    folium.GeoJson(w, name="Wijken",
                   tooltip=folium.GeoJsonTooltip(fields=["name", "status"]),
                   popup=folium.GeoJsonPopup(fields=["code", "name", "status", "signs"])).add_to(m)
    s = signs[["id", "status", "street", "placed_on", "geometry"]].to_crs(WGS84)
    folium.GeoJson(s, name="Borden", popup=folium.GeoJsonPopup(fields=["id", "status", "street", "placed_on"]),
                   tooltip=folium.GeoJsonTooltip(fields=["id", "street"])).add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def first_render_seconds(browser, path: Path, runs: int) -> tuple[float, dict]:
    """Best time (s) from navigation to load + two animation frames, and what the page showed."""
    import serve

    best, info = None, {}
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors, unexpected = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        serve.route_offline(page, unexpected)
        page.goto(path.as_uri(), wait_until="load", timeout=600_000)
        ms = page.evaluate("""() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
            () => r(performance.now()))))""")
        info = page.evaluate("""() => ({
            canvases: document.querySelectorAll('.leaflet-overlay-pane canvas').length,
            paths: document.querySelectorAll('.leaflet-overlay-pane path').length,
            markers: document.querySelectorAll('.leaflet-marker-icon').length})""")
        info.update(errors=errors, unexpected=unexpected)
        page.close()
        best = ms / 1000 if best is None else min(best, ms / 1000)
    return best, info


def write_with_roads(data, decisions, folder: Path) -> dict:
    """``planner map`` with roads on the national files, reusing saved decisions, in its own process.

    Returns the seconds, the bytes of the page and the peak memory (MB) of that process.
    """
    from national_data import write_national

    paths = write_national(data, folder / "data")
    saved = folder / "data" / "besluiten.json"
    saved.write_text(json.dumps([d.to_dict() for d in decisions], ensure_ascii=False), encoding="utf-8")
    out = folder / "overzicht-wegen.html"
    # VmHWM: the peak of this process's own memory (ru_maxrss would report the benchmark's
    # own peak, inherited through fork and exec on Linux)
    code = ("import re, sys, time\n"
            "from planner.cli import main\n"
            "t = time.perf_counter(); rc = main(sys.argv[1:])\n"
            "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
            "print('PEAK', time.perf_counter() - t, int(hwm) / 1024)\n"
            "sys.exit(rc)\n")
    args = ["map", "--wards", paths["wards"], "--signs", paths["signs"], "--roads", paths["roads"],
            "--groups", paths["groups"], "--decisions", saved, "--out", out, "--json"]
    res = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                         cwd=folder, env={**__import__("os").environ, "PLANNER_DATA": str(folder / "data")})
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    seconds, peak = map(float, res.stdout.strip().splitlines()[-1].split()[1:])
    return {"seconds": seconds, "bytes": out.stat().st_size, "peak_mb": peak}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wards", type=int, default=15000)
    ap.add_argument("--runs", type=int, default=3, help="loads of the planner's page (best counts; the naive "
                    "page is loaded once)")
    ap.add_argument("--roads", action="store_true", help="also write the overview with entry roads (memory)")
    ap.add_argument("--out", help="keep the pages in this folder")
    args = ap.parse_args(argv)
    import serve
    from national_data import make_national
    from playwright.sync_api import sync_playwright

    folder = Path(args.out or tempfile.mkdtemp(prefix="bench-maps-"))
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data = make_national(args.wards, seed=0)
    decisions = synthetic_decisions(data)
    print(f"data: {len(data.wards):,} wards, {len(data.signs):,} signs, {len(decisions):,} decisions "
          f"({time.perf_counter() - t0:.1f} s)")
    t = time.perf_counter()
    ours = maps.render(maps.overview_map(maps.prepare(data.wards, data.signs, decisions, groups=data.groups)))
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    naive = naive_dump(data.wards, data.signs, ward_status(data.wards, data.signs, Policy()))
    t_naive = time.perf_counter() - t
    p_ours, p_naive = folder / "overzicht.html", folder / "naief.html"
    p_ours.write_text(ours, encoding="utf-8")
    p_naive.write_text(naive, encoding="utf-8")
    b_ours, b_naive = p_ours.stat().st_size, p_naive.stat().st_size
    print(f"written: planner {b_ours / 1e6:.1f} MB in {t_ours:.1f} s, naive {b_naive / 1e6:.1f} MB in {t_naive:.1f} s")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS)
        s_ours, i_ours = first_render_seconds(browser, p_ours, args.runs)
        s_naive, i_naive = first_render_seconds(browser, p_naive, 1)  # minutes: once is enough
        browser.close()
    print(f"first full render: planner {s_ours:.2f} s {i_ours}, naive {s_naive:.2f} s {i_naive}")
    size_ratio, time_ratio = b_ours / b_naive, s_ours / s_naive
    print(f"bytes: {size_ratio:.3f} of naive (goal <= 0.1); first render: {time_ratio:.3f} of naive (goal <= 0.2)")
    ok = size_ratio <= 0.1 and time_ratio <= 0.2 and not i_ours["errors"]
    if args.roads:
        r = write_with_roads(data, decisions, folder)
        print(f"planner map with roads (saved decisions, no deciding): {r['bytes'] / 1e6:.1f} MB in "
              f"{r['seconds']:.1f} s, peak memory of the process {r['peak_mb']:.0f} MB (goal <= 1024)")
        ok = ok and r["peak_mb"] <= 1024
    print("OK" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
